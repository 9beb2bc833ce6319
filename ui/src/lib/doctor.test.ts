import { describe, expect, it } from 'vitest';
import type { StepId, Facts, Finding } from './bindings';
import { missingScopes, shortForm } from './doctor';

const noFacts: Facts = {
  host: null,
  status: null,
  missingScopes: [],
  grantedScopes: [],
  app: null,
  appState: null,
  computeState: null,
  permissionLevels: [],
  identity: null,
  managers: [],
  recordedAs: null,
};

const f = (check: StepId, verdict: Finding['verdict'], facts: Partial<Facts> = {}): Finding => ({
  check,
  title: check,
  verdict,
  observed: [],
  meaning: [],
  nextStep: [{ id: 'plain', args: { text: 'in any language' } }],
  facts: { ...noFacts, ...facts },
  mark: { mark: '', text: [] },
});

describe('doctor helpers', () => {
  it('keeps only what needs attention for the short form', () => {
    const all = [f('url', 'pass'), f('token', 'fail'), f('permission', 'unknown'), f('endpoint', 'skipped'), f('app', 'warn')];
    expect(shortForm(all).map((x) => x.check)).toEqual(['token', 'permission', 'app']);
  });
  it('reads the missing scopes from the scopes finding, whatever its wording', () => {
    expect(missingScopes([f('scopes', 'fail', { missingScopes: ['sql', 'files.files'] })])).toEqual(['sql', 'files.files']);
    expect(missingScopes([f('scopes', 'pass', { missingScopes: [] })])).toEqual([]);
  });
});
