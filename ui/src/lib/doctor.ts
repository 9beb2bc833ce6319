// Words and icons for the Doctor's verdicts (never colour alone).
import type { Finding, Verdict } from './bindings';
import { t } from './i18n.svelte';

export function verdictMark(v: Verdict): { icon: string; word: string } {
  switch (v) {
    case 'pass':
      return { icon: '✔', word: t('verdict-pass') };
    case 'warn':
      return { icon: '⚠', word: t('verdict-warning') };
    case 'fail':
      return { icon: '✖', word: t('verdict-fail') };
    case 'unknown':
      return { icon: '?', word: t('verdict-unknown') };
    default:
      return { icon: '–', word: t('verdict-skipped') };
  }
}

/** The short form after a failed request: what is wrong or unknown, in order. */
export function shortForm(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.verdict === 'fail' || f.verdict === 'warn' || f.verdict === 'unknown');
}

/** The scopes a failed Scopes check found missing (its facts, never its wording). */
export function missingScopes(findings: Finding[]): string[] {
  const f = findings.find((x) => x.check === 'scopes' && x.verdict === 'fail');
  return f ? f.facts.missingScopes : [];
}
