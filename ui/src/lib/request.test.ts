import { describe, expect, it } from 'vitest';
import { afterUrlTyped, applyOperation, emptyDraft, fromInput, jsonProblem, toInput } from './request';

describe('toInput', () => {
  it('keeps enabled rows, adds a content type for JSON bodies, clamps the timeout', () => {
    const d = emptyDraft('https://a.apps.localhost/api/items');
    d.method = 'POST';
    d.params = [
      { key: 'limit', value: '5', on: true },
      { key: 'off', value: 'x', on: false },
      { key: ' ', value: 'blank', on: true },
    ];
    d.body = '{"a": 1}';
    d.timeoutSecs = 5000;
    const input = toInput(d, 'bot');
    expect(input.query).toEqual([['limit', '5']]);
    expect(input.headers).toEqual([['Content-Type', 'application/json']]);
    expect(input.timeoutSecs).toBe(600);
    expect(input.connection).toBe('bot');
    expect(fromInput(input).params).toEqual([{ key: 'limit', value: '5', on: true }]);
  });
  it('sends no body with GET', () => {
    const d = emptyDraft('https://x/api/y');
    d.body = '{}';
    expect(toInput(d, null).body).toBeNull();
  });
});

describe('jsonProblem', () => {
  it('names what does not parse', () => {
    expect(jsonProblem('')).toBeNull();
    expect(jsonProblem('{"a":1}')).toBeNull();
    expect(jsonProblem('{"a":')).not.toBeNull();
  });
});

describe('applyOperation', () => {
  it('fills method, path, query parameters and the body skeleton', () => {
    const d = applyOperation('https://h.apps.localhost/', {
      method: 'POST',
      path: '/api/items',
      summary: null,
      operationId: 'create_item',
      parameters: [
        { name: 'limit', location: 'query', required: false, description: null, kind: 'integer', default: '10' },
        { name: 'q', location: 'query', required: false, description: null, kind: 'string', default: null },
      ],
      bodySkeleton: '{\n  "name": ""\n}',
      url: 'https://h.apps.localhost/api/items',
    });
    expect(d.url).toBe('https://h.apps.localhost/api/items');
    expect(d.method).toBe('POST');
    expect(d.params).toEqual([
      { key: 'limit', value: '10', on: true },
      { key: 'q', value: '', on: false },
    ]);
    expect(d.body).toContain('"name"');
  });
});

describe('a typed path and the picked endpoint', () => {
  const op = {
    method: 'GET',
    path: '/api/items/{id}',
    summary: null,
    parameters: [{ name: 'limit', location: 'query', required: false, default: '10', description: null }],
    bodySkeleton: null,
    url: 'https://a.apps.localhost:1/api/items/{id}',
  } as unknown as Parameters<typeof applyOperation>[1];
  it('keeps the endpoint while its path parameters are filled in', () => {
    const d = applyOperation('https://a.apps.localhost:1', op, 3);
    expect(d.url).toBe('https://a.apps.localhost:1/api/items/{id}');
    expect(d.picked).toEqual({ index: 3, path: '/api/items/{id}' });
    expect(d.params).toHaveLength(1);
    const filled = afterUrlTyped({ ...d, url: 'https://a.apps.localhost:1/api/items/42' }, true);
    expect(filled.params).toHaveLength(1);
    expect(filled.picked?.index).toBe(3);
  });
  it('clears what came with the endpoint when another path is typed', () => {
    const d = applyOperation('https://a.apps.localhost:1', op, 3);
    const typed = afterUrlTyped({ ...d, method: 'POST', url: 'https://a.apps.localhost:1/index.html' }, false);
    expect(typed.params).toEqual([]);
    expect(typed.picked).toBeNull();
    expect(typed.method).toBe('POST');
    expect(typed.url).toBe('https://a.apps.localhost:1/index.html');
    const untouched = emptyDraft('https://x/api/y');
    expect(afterUrlTyped(untouched, false)).toBe(untouched);
    // An operation whose path could leave the app is not placed on it: the app's URL stays.
    expect(applyOperation('https://a.apps.localhost:1', { ...op, url: null }).url).toBe('https://a.apps.localhost:1');
  });
});
