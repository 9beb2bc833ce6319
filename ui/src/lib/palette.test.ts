import { describe, expect, it } from 'vitest';
import { search, viewForKey, type PaletteItem } from './palette';

const item = (kind: string, label: string, detail?: string): PaletteItem => ({ kind, label, detail, run: () => {} });

describe('the command palette', () => {
  const items = [
    item('View', 'Guide', 'Alt+G'),
    item('App', 'sales', 'https://sales-1.apps.localhost'),
    item('Endpoint', 'GET /api/hello', 'Say hello'),
    item('History', 'GET https://hello-1.apps.localhost/api/hello', '200'),
    item('App', 'hello', 'https://hello-1.apps.localhost'),
  ];

  it('finds by any words, in any order and case, labels that start with the first word first', () => {
    expect(search(items, 'hello').map((i) => i.label)).toEqual(['hello', 'GET /api/hello', 'GET https://hello-1.apps.localhost/api/hello']);
    expect(search(items, 'APP sal').map((i) => i.label)).toEqual(['sales']);
    expect(search(items, 'alt+g').map((i) => i.label)).toEqual(['Guide']);
    expect(search(items, 'nothing like it')).toEqual([]);
    expect(search(items, '  ')).toHaveLength(5);
  });

  it('maps Alt+letter to a view, and nothing else', () => {
    expect(viewForKey('g')).toBe('guide');
    expect(viewForKey('W')).toBe('work');
    expect(viewForKey('z')).toBeNull();
  });
});
