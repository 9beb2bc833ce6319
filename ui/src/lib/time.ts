// Words for token lifetimes: "expires in 52 min", "expired 3 min ago".

function span(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h < 48) return rest ? `${h} h ${rest} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** `expiresAt` and `now` in Unix seconds. */
export function expiryWords(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'does not expire on its own';
  const left = expiresAt - now;
  return left > 0 ? `expires in ${span(left)}` : `expired ${span(left)} ago`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A Unix time as local date and time, e.g. "2026-11-29 10:04". */
export function localTime(seconds: number | null): string {
  if (seconds === null) return '—';
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
