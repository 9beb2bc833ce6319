import { describe, expect, it } from 'vitest';
import { doctorUrl, partText } from './access';

describe('access cells as the core sends them', () => {
  it('draws a part: its icon, then its words in the window language', () => {
    expect(partText({ mark: '✘', text: [{ id: 'access-token-lacks', args: { scopes: 'sql' } }] })).toBe('✘ token lacks sql');
    expect(partText({ mark: '', text: [{ id: 'access-no-scopes-needed', args: {} }] })).toBe('no scopes needed');
    expect(
      partText({ mark: '✘', text: [{ id: 'access-called', args: { status: 403 } }, { id: 'plain', args: { text: '— Invalid Token' } }] }),
    ).toBe('✘ called: 403 — Invalid Token');
  });

  it('starts the Doctor at the path that was called', () => {
    expect(doctorUrl('https://a.example.com/', '/api/hello')).toBe('https://a.example.com/api/hello');
    expect(doctorUrl('https://a.example.com', null)).toBe('https://a.example.com/');
    expect(doctorUrl(null, '/api/x')).toBe('');
  });
});
