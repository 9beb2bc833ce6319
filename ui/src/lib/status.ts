// The status line of a connection, in words with an icon (never colour alone).
import type { ConnectionKindName, ConnectionView } from './bindings';
import { t } from './i18n.svelte';
import { expiryWords } from './time';

export type Status = { icon: string; words: string; tone: 'ok' | 'warn' | 'idle' };

/** A connection's kind in words ("user sign-in", "service principal"). */
export function kindWords(kind: ConnectionKindName): string {
  return t(`kind-${kind}`);
}

export function connectionStatus(c: ConnectionView, now: number): Status {
  if (c.needsSignIn) return { icon: '⚠', words: t('status-sign-in-again'), tone: 'warn' };
  if (!c.hasCredentials) {
    return c.kind === 'user'
      ? { icon: '○', words: t('status-not-signed-in'), tone: 'idle' }
      : { icon: '⚠', words: t('status-secret-missing'), tone: 'warn' };
  }
  const who = c.signedInAs ? t('status-signed-in-as', { who: c.signedInAs }) : kindWords(c.kind);
  // No refresh token (the OAuth app does not grant offline_access): the sign-in just ends.
  if (c.kind === 'user' && c.refreshable === false && c.expiresAt !== null) {
    return c.expiresAt <= now
      ? { icon: '⚠', words: t('status-ended-no-refresh'), tone: 'warn' }
      : { icon: '●', words: t('status-ends-no-refresh', { who, expiry: expiryWords(c.expiresAt, now) }), tone: 'ok' };
  }
  if (c.expiresAt !== null && c.expiresAt <= now && c.kind === 'user') {
    return { icon: '●', words: t('status-refreshes', { who }), tone: 'ok' };
  }
  if (c.expiresAt !== null) return { icon: '●', words: `${who} · ${expiryWords(c.expiresAt, now)}`, tone: 'ok' };
  return { icon: '●', words: who, tone: 'ok' };
}
