import { describe, expect, it } from 'vitest';
import { toAppError } from './api';

describe('toAppError', () => {
  it('keeps a typed error from Rust as it is', () => {
    const err = { kind: 'Storage', message: 'no home', path: null };
    expect(toAppError(err)).toBe(err);
  });

  it('wraps a plain string rejection (e.g. a command the ACL refuses) as a Bridge error', () => {
    const err = toAppError('Command app_info not allowed by ACL');
    expect(err.kind).toBe('Bridge');
    expect(err.message).toContain('Command app_info not allowed by ACL');
    expect(err.message).toContain('Restart Lakegate');
  });

  it('wraps thrown Errors and odd values without losing their text', () => {
    expect(toAppError(new Error('boom')).message).toContain('boom');
    expect(toAppError(undefined).message).toContain('undefined');
    expect(toAppError({ kind: 3, message: 'x' }).kind).toBe('Bridge');
  });
});
