import { describe, expect, it } from 'vitest';
import { playground } from './guide';
import type { AppView } from './bindings';

const app = (name: string, url: string | null): AppView =>
  ({ name, url, description: null, appState: null, appMessage: null, computeState: null, computeMessage: null, deploymentState: null, userApiScopes: [], effectiveUserApiScopes: [], creator: null }) as AppView;

describe('the guide playground', () => {
  it('makes one failing request per listed failure, on the sandbox apps there are', () => {
    const apps = [app('hello', 'https://hello-1.apps.localhost:4443/'), app('finance', 'https://finance-1.apps.localhost:4443'), app('report', 'https://report-1.apps.localhost:4443')];
    const t = playground(apps, '/api/hello');
    expect(t.map((x) => x.id)).toEqual(['no-can-use', 'stopped', 'wrong-path', 'wrong-app']);
    expect(t.find((x) => x.id === 'wrong-app')?.url).toBe('https://no-such-app-1.apps.localhost:4443/api/hello');
    expect(t.find((x) => x.id === 'wrong-path')?.url).toBe('https://hello-1.apps.localhost:4443/api/no-such-path');
  });

  it('offers nothing where the apps are not the sandbox seed', () => {
    expect(playground([app('other', 'https://other-1.x.databricksapps.com')], '/api/x')).toEqual([]);
  });
});
