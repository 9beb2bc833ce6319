import { describe, expect, it } from 'vitest';
import type { Finding } from './bindings';
import { missingScopes, shortForm, verdictMark } from './doctor';

const f = (check: string, verdict: Finding['verdict'], nextStep = ''): Finding => ({
  check,
  title: check,
  verdict,
  observed: '',
  meaning: '',
  nextStep,
});

describe('doctor helpers', () => {
  it('keeps only what needs attention for the short form', () => {
    const all = [f('url', 'pass'), f('token', 'fail'), f('permission', 'unknown'), f('endpoint', 'skipped'), f('app', 'warn')];
    expect(shortForm(all).map((x) => x.check)).toEqual(['token', 'permission', 'app']);
  });
  it('reads the missing scopes from the scopes finding', () => {
    expect(missingScopes([f('scopes', 'fail', 'Sign in with these scopes: sql files.files (the scope matrix does it in one click).')])).toEqual(['sql', 'files.files']);
    expect(missingScopes([f('scopes', 'pass')])).toEqual([]);
  });
  it('marks every verdict with an icon and a word', () => {
    expect(verdictMark('fail')).toEqual({ icon: '✖', word: 'fail' });
    expect(verdictMark('skipped').word).toBe('skipped');
  });
});
