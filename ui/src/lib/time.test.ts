import { describe, expect, it } from 'vitest';
import { expiryWords } from './time';

describe('expiryWords', () => {
  it('counts down in plain words', () => {
    expect(expiryWords(1000 + 52 * 60, 1000)).toBe('expires in 52 min');
    expect(expiryWords(1000 + 30, 1000)).toBe('expires in 30 s');
    expect(expiryWords(1000 + 3600 * 3 + 60 * 5, 1000)).toBe('expires in 3 h 5 min');
    expect(expiryWords(1000 + 3600 * 24 * 5, 1000)).toBe('expires in 5 days');
  });
  it('says when a token has expired', () => {
    expect(expiryWords(1000 - 180, 1000)).toBe('expired 3 min ago');
  });
  it('handles tokens without an expiry', () => {
    expect(expiryWords(null, 1000)).toBe('does not expire on its own');
  });
});
