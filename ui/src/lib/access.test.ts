import { describe, expect, it } from 'vitest';
import { callWords, doctorUrl, permissionWords, scopeWords } from './access';
import type { AccessCell } from './bindings';

const cell = (over: Partial<AccessCell>): AccessCell => ({
  connection: 'alice',
  permission: 'canUse',
  via: 'direct',
  scopesCovered: true,
  missingScopes: [],
  status: null,
  said: null,
  error: null,
  red: false,
  ...over,
});

describe('access cells in words', () => {
  it('says the permission and how it is held', () => {
    expect(permissionWords(cell({}))).toBe('✔ CAN USE');
    expect(permissionWords(cell({ permission: 'canManage', via: 'group finance' }))).toBe('✔ CAN MANAGE (through group finance)');
    expect(permissionWords(cell({ permission: 'none', via: null }))).toBe('✘ no permission');
    expect(permissionWords(cell({ permission: 'unknown' }))).toMatch(/^\? unknown — ask one of the app's managers/);
  });

  it('says the scopes and the call', () => {
    expect(scopeWords(cell({ scopesCovered: false, missingScopes: ['sql', 'files.files'] }), ['sql'])).toBe('✘ token lacks sql, files.files');
    expect(scopeWords(cell({}), ['sql'])).toBe('✔ token has its scopes');
    expect(scopeWords(cell({}), [])).toBe('no scopes needed');
    expect(scopeWords(cell({ scopesCovered: null }), [])).toBe('? scopes unknown');
    expect(scopeWords(cell({ scopesCovered: null, missingScopes: ['sql'] }), ['sql'])).toBe('? unknown whether it needs sql (not on record for a service principal)');
    expect(callWords(cell({ status: 403 }))).toBe('✘ called: 403');
    expect(callWords(cell({ status: 200 }))).toBe('✔ called: 200');
    // The Apps proxy's 302 to sign in is a refusal, and what the app said is shown.
    expect(callWords(cell({ status: 302 }))).toBe('✘ called: 302');
    expect(callWords(cell({ status: 403, said: 'Invalid Token' }))).toBe('✘ called: 403 — Invalid Token');
    expect(callWords(cell({ error: 'timed out' }))).toBe('✘ no answer: timed out');
  });

  it('starts the Doctor at the path that was called', () => {
    expect(doctorUrl('https://a.example.com/', '/api/hello')).toBe('https://a.example.com/api/hello');
    expect(doctorUrl('https://a.example.com', null)).toBe('https://a.example.com/');
    expect(doctorUrl(null, '/api/x')).toBe('');
  });
});
