import { describe, expect, it } from 'vitest';
import { FileWrite } from './stores/file-write.svelte';

describe('writing a file the person named', () => {
  it('offers to replace a file that is there, and replaces it only when asked', async () => {
    const w = new FileWrite();
    const asked: boolean[] = [];
    const attempt = async (replace: boolean) => {
      asked.push(replace);
      if (!replace) throw { kind: 'FileExists', message: '/tmp/x.md is already there' };
      return '/tmp/x.md';
    };
    expect(await w.write(attempt)).toBeNull();
    expect(w.exists).toBe(true);
    expect(w.problem).toBe('/tmp/x.md is already there');
    expect(await w.write(attempt, true)).toBe('/tmp/x.md');
    expect(w.exists).toBe(false);
    expect(w.problem).toBeNull();
    expect(asked).toEqual([false, true]);
  });

  it('says any other failure without offering to replace', async () => {
    const w = new FileWrite();
    const done = await w.write(async () => {
      throw { kind: 'Storage', message: 'the folder cannot be written' };
    });
    expect(done).toBeNull();
    expect(w.exists).toBe(false);
    expect(w.problem).toBe('the folder cannot be written');
    w.reset();
    expect(w.problem).toBeNull();
  });
});
