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

// What the compiler holds `api` to, checked by `npm run check`: each command's arguments and
// return type come from its Rust signature, so these lines must stay errors.
describe('the generated command types', () => {
  it('refuse a misspelt command, a wrong argument and a wrong return type', async () => {
    const { api } = await import('./api');
    type Returns = import('./bindings').CommandReturns;
    type Args = import('./bindings').CommandArgs;
    // @ts-expect-error: there is no command `list_app`.
    const misspelt: Returns['list_app'] = [];
    // @ts-expect-error: `list_apps` gives back apps, not a string.
    const wrongReturn: Returns['list_apps'] = 'apps';
    // @ts-expect-error: `access_view` takes a connection and a path, not a URL.
    const wrongArgs: Args['access_view'] = { url: 'x' };
    const fine: Args['access_view'] = { connection: 'c', path: null };
    // @ts-expect-error: `api.listApps` resolves to apps, not a number.
    const typed: () => Promise<number> = () => api.listApps('c');
    expect([misspelt, wrongReturn, wrongArgs, fine, typed].length).toBe(5);
  });
});
