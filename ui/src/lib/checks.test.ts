import { describe, expect, it } from 'vitest';
import { reportPath, summaryLine } from './checks';
import type { CheckRun } from './bindings';

describe('the Checks board', () => {
  it('proposes a report beside the check file, by format', () => {
    expect(reportPath('/home/a/proj/smoke.json', 'junit')).toBe('/home/a/proj/smoke.junit.xml');
    expect(reportPath('/home/a/proj/smoke.json', 'markdown')).toBe('/home/a/proj/smoke.report.md');
    expect(reportPath('/home/a/proj/checks', 'json')).toBe('/home/a/proj/checks.report.json');
    expect(reportPath('/.json', 'junit')).toBe('/checks.junit.xml');
  });

  it('sums a run up in words', () => {
    const run = { passed: 4, failed: 1, totalMs: 1234, outcomes: new Array(5).fill({}) } as unknown as CheckRun;
    expect(summaryLine(run)).toBe('4 of 5 passed, 1 failed, in 1.2 s');
    expect(summaryLine({ ...run, passed: 5, failed: 0 })).toBe('5 of 5 passed, in 1.2 s');
  });
});
