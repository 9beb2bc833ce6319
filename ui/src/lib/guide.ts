// The guide's troubleshooting playground: on the sandbox, one request per failure the page
// lists, each on the sandbox's own apps (the seed's: finance has no CAN USE for the people
// who sign in, sales asks for the sql scope, report is stopped, hello runs).
import type { AppView } from './bindings';

export type Trial = { id: string; label: string; url: string };

const on = (apps: AppView[], name: string) => apps.find((a) => a.name === name)?.url?.replace(/\/$/, '') ?? null;

/** The failures to try, those whose app the workspace lists; `path` is the path that works. */
export function playground(apps: AppView[], path: string): Trial[] {
  const at = (name: string) => on(apps, name);
  const hello = at('hello');
  const trials: Trial[] = [];
  const add = (base: string | null, id: string, url: (b: string) => string) => {
    if (base) trials.push({ id, label: `guide-try-${id}`, url: url(base) });
  };
  add(at('finance'), 'no-can-use', (b) => `${b}/api/hello`);
  add(at('sales'), 'scopes', (b) => `${b}/api/hello`);
  add(at('report'), 'stopped', (b) => `${b}${path}`);
  add(hello, 'wrong-path', (b) => `${b}/api/no-such-path`);
  // Another app's address on the same workspace: the label before the first `-` is the app's name.
  add(hello, 'wrong-app', (b) => `${b.replace(/\/\/hello-/, '//no-such-app-')}${path}`);
  return trials;
}
