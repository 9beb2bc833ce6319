import { describe, expect, it } from 'vitest';
import { parseOrdered } from './json';

describe('parseOrdered', () => {
  it('keeps key order and numbers as sent', () => {
    const node = parseOrdered('{"zeta": 1e3, "alpha": 12345678901234567890, "2": [1.50, -0.0], "1": {"b": true, "a": null}}');
    expect(node).toEqual({
      kind: 'object',
      entries: [
        ['zeta', { kind: 'number', raw: '1e3' }],
        ['alpha', { kind: 'number', raw: '12345678901234567890' }],
        ['2', { kind: 'array', items: [{ kind: 'number', raw: '1.50' }, { kind: 'number', raw: '-0.0' }] }],
        ['1', { kind: 'object', entries: [['b', { kind: 'boolean', value: true }], ['a', { kind: 'null' }]] }],
      ],
    });
  });
  it('reads strings with escapes and empty containers', () => {
    expect(parseOrdered(' ["a\\"b\\u00e9", {}, []] ')).toEqual({
      kind: 'array',
      items: [{ kind: 'string', value: 'a"bé' }, { kind: 'object', entries: [] }, { kind: 'array', items: [] }],
    });
  });
  it('refuses what is not one JSON value', () => {
    for (const bad of ['', '{', '{"a" 1}', '[1,]', '01', '{"a":1} x', 'tru', '"\u0001"', '[' .repeat(600) + ']'.repeat(600)]) {
      expect(parseOrdered(bad)).toBeUndefined();
    }
  });
});
