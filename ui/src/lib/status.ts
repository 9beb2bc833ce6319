// The status line of a connection, in words with an icon (never colour alone).
import type { ConnectionView } from './bindings';
import { expiryWords } from './time';

export type Status = { icon: string; words: string; tone: 'ok' | 'warn' | 'idle' };

export function connectionStatus(c: ConnectionView, now: number): Status {
  if (c.needsSignIn) return { icon: '⚠', words: 'sign in again', tone: 'warn' };
  if (!c.hasCredentials) {
    return c.kind === 'user'
      ? { icon: '○', words: 'not signed in', tone: 'idle' }
      : { icon: '⚠', words: 'secret missing from the keychain', tone: 'warn' };
  }
  const who = c.signedInAs ? `signed in as ${c.signedInAs}` : c.kindLabel;
  // No refresh token (the OAuth app does not grant offline_access): the sign-in just ends.
  if (c.kind === 'user' && c.refreshable === false && c.expiresAt !== null) {
    return c.expiresAt <= now
      ? { icon: '⚠', words: 'sign-in ended (no refresh token) · sign in again', tone: 'warn' }
      : { icon: '●', words: `${who} · ${expiryWords(c.expiresAt, now)}, then sign in again (no refresh token)`, tone: 'ok' };
  }
  if (c.expiresAt !== null && c.expiresAt <= now && c.kind === 'user') {
    return { icon: '●', words: `${who} · token refreshes on next use`, tone: 'ok' };
  }
  if (c.expiresAt !== null) return { icon: '●', words: `${who} · ${expiryWords(c.expiresAt, now)}`, tone: 'ok' };
  return { icon: '●', words: who, tone: 'ok' };
}
