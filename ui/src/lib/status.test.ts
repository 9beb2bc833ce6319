import { describe, expect, it } from 'vitest';
import type { ConnectionView } from './bindings';
import { connectionStatus } from './status';

const base: ConnectionView = {
  name: 'x',
  host: 'https://x',
  kind: 'user',
  kindLabel: 'user sign-in',
  clientId: 'databricks-cli',
  scopes: [],
  origin: 'saved',
  signedInAs: null,
  needsSignIn: false,
  hasCredentials: false,
  expiresAt: null,
  removable: true,
  refreshable: true,
  trustedHosts: [],
};

describe('connectionStatus', () => {
  it('asks to sign in again before anything else', () => {
    expect(connectionStatus({ ...base, needsSignIn: true, hasCredentials: true }, 0)).toEqual({ icon: '⚠', words: 'sign in again', tone: 'warn' });
  });
  it('shows who and how long', () => {
    const s = connectionStatus({ ...base, hasCredentials: true, signedInAs: 'alice@example.com', expiresAt: 100 + 3000 }, 100);
    expect(s.words).toBe('signed in as alice@example.com · expires in 50 min');
  });
  it('says when a sign-in without a refresh token ends, and that it has ended', () => {
    const c = { ...base, hasCredentials: true, signedInAs: 'alice@example.com', refreshable: false, expiresAt: 100 + 3000 };
    expect(connectionStatus(c, 100).words).toBe('signed in as alice@example.com · expires in 50 min, then sign in again (no refresh token)');
    expect(connectionStatus(c, 4000)).toEqual({ icon: '⚠', words: 'sign-in ended (no refresh token) · sign in again', tone: 'warn' });
  });
  it('tells a missing secret from a user who has not signed in', () => {
    expect(connectionStatus(base, 0).words).toBe('not signed in');
    expect(connectionStatus({ ...base, kind: 'servicePrincipal' }, 0).words).toBe('secret missing from the keychain');
  });
});
