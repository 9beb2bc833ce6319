// What the window picks out of the Doctor's findings (their icon and word come from the
// core: `Finding.mark`, decided by `Verdict::marked`).
import type { Finding } from './bindings';

/** The short form after a failed request: what is wrong or unknown, in order. */
export function shortForm(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.verdict === 'fail' || f.verdict === 'warn' || f.verdict === 'unknown');
}

/** The scopes a failed Scopes check found missing (its facts, never its wording). */
export function missingScopes(findings: Finding[]): string[] {
  const f = findings.find((x) => x.check === 'scopes' && x.verdict === 'fail');
  return f ? f.facts.missingScopes : [];
}
