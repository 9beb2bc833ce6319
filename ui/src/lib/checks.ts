import { num, t } from './i18n.svelte';
// The Checks board's wording and file names, apart from the component so they are tested.
import type { CheckRun, ReportFormat } from './bindings';

const EXTENSIONS: Record<ReportFormat, string> = { junit: 'junit.xml', markdown: 'report.md', json: 'report.json' };

/** Where a report goes unless the user says otherwise: beside the check file. */
export function reportPath(checkFile: string, format: ReportFormat): string {
  const slash = checkFile.lastIndexOf('/');
  const dir = slash >= 0 ? checkFile.slice(0, slash + 1) : '';
  const base = checkFile.slice(slash + 1);
  const stem = base.replace(/\.json$/i, '') || 'checks';
  return `${dir}${stem}.${EXTENSIONS[format]}`;
}

/** "4 of 5 passed, 1 failed, in 1.2 s". */
export function summaryLine(run: CheckRun): string {
  const total = run.outcomes.length;
  const seconds = num(run.totalMs / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return run.failed > 0
    ? t('checks-summary-failed', { passed: run.passed, total, failed: run.failed, seconds })
    : t('checks-summary', { passed: run.passed, total, seconds });
}
