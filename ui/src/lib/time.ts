// Words for token lifetimes: "expires in 52 min", "expired 3 min ago".
import { dateTime, t } from './i18n.svelte';

function span(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return t('time-seconds', { n: s });
  const m = Math.round(s / 60);
  if (m < 60) return t('time-minutes', { n: m });
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h < 48) return rest ? t('time-hours-minutes', { h, m: rest }) : t('time-hours', { h });
  return t('time-days', { n: Math.round(h / 24) });
}

/** `expiresAt` and `now` in Unix seconds. */
export function expiryWords(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return t('expiry-never');
  const left = expiresAt - now;
  return left > 0 ? t('expiry-in', { span: span(left) }) : t('expiry-ago', { span: span(left) });
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A Unix time as local date and time, as the window's language writes them. */
export function localTime(seconds: number | null): string {
  if (seconds === null) return '—';
  return dateTime(seconds);
}
