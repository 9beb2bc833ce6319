// A team's view of who can call which app: a standalone sandbox, two people signed in
// from the command line (through the sandbox's sign-in page) and two service principals
// added by their secrets; the window shows every kind of cell, Check all calls every app
// as everyone, a red cell opens the Doctor, and the view exports without a secret.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchApp, shot, typeInto } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.LAKEGATE_BIN;
const home = process.env.LAKEGATE_E2E_HOME;
let app;
let sandbox;
let info;

function cli(args, extra = {}, input = undefined) {
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'), ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('DATABRICKS_')) delete env[k];
  const done = spawnSync(bin, args, { env, input, encoding: 'utf8', timeout: 120000 });
  assert.equal(done.status, 0, `lakegate ${args.join(' ')}: ${done.stderr}`);
  return done.stdout;
}

before(async () => {
  sandbox = spawn(bin, ['sandbox', '--dir', path.join(home, 'team-sandbox')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await new Promise((resolve) => createInterface({ input: sandbox.stdout }).once('line', (l) => resolve([l])));
  info = JSON.parse(line);
  const ca = info.ca_file;
  for (const [name, sp] of [['reporting-bot', info.service_principals[0]], ['sql-only-bot', info.service_principals[1]]]) {
    cli(['connections', 'add', name, '--host', info.host, '--service-principal', '--client-id', sp.client_id, '--ca-bundle', ca], {}, sp.client_secret);
  }
  for (const [name, email] of [['alice', 'alice@example.com'], ['bob', 'bob@example.com']]) {
    cli(['connections', 'add', name, '--host', info.host, '--user', '--ca-bundle', ca]);
    cli(['login', name], { BROWSER: path.join(here, 'sandbox-browser.sh'), LAKEGATE_E2E_USER: email, LAKEGATE_E2E_CA: ca });
  }
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
  // The journeys share one home: the team's connections (and their secrets) go with this one.
  for (const name of ['alice', 'bob', 'reporting-bot', 'sql-only-bot']) cli(['connections', 'remove', name]);
  sandbox?.kill();
});

const s = () => app.session;
const cell = (appName, who) => s().find(`[data-testid="access-cell"][data-app="${appName}"][data-connection="${who}"]`);

test('who can call which app: every kind of cell, Check all, the Doctor and the exports', async () => {
  await (await s().waitFor('[data-testid="connection"][data-name="alice"]', { timeout: 60000 })).click();
  await (await s().waitFor('[data-testid="open-access"]')).click();
  await s().waitFor('[data-testid="access-summary"]', { timeout: 60000, predicate: async (el) => /7 apps × 4 identities/.test(await el.text()) });

  // Direct, through a group, as a manager, none, and unknown where no one here may read the list.
  const sales = await cell('sales', 'alice');
  assert.match(await sales.text(), /CAN USE \(through group users\)/);
  assert.match(await sales.text(), /token lacks sql/);
  assert.equal(await (await cell('sales', 'bob')).attribute('data-permission'), 'canManage');
  assert.match(await (await cell('sales', 'reporting-bot')).text(), /✔ CAN USE/);
  const finance = await cell('finance', 'alice');
  assert.equal(await finance.attribute('data-permission'), 'none');
  assert.equal(await finance.attribute('data-red'), 'yes');
  assert.match(await finance.text(), /no permission/);
  const hello = await cell('hello', 'bob');
  assert.equal(await hello.attribute('data-permission'), 'unknown');
  assert.match(await hello.text(), /unknown — ask one of the app's managers/);

  // Check all: every app called at one path as everyone.
  await typeInto(s(), 'access-path', '/api/hello');
  // The button is enabled once the window has the path.
  await (await s().waitFor('[data-testid="access-check-all"]:not([disabled])')).click();
  await s()
    .waitFor('[data-testid="access-summary"]', { timeout: 120000, predicate: async (el) => /each app called at \/api\/hello/.test(await el.text()) })
    .catch(async (e) => {
      // Still checking, or the click never took: the button says which.
      const button = await s().find('[data-testid="access-check-all"]');
      // And whether the team's sandbox still runs and listens.
      const port = new URL(info.host).port;
      const listening = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).stdout?.trim();
      const alive = sandbox.exitCode === null && sandbox.signalCode === null;
      throw new Error(
        `${e.message}; Check all says "${await button.text()}", disabled: ${await button.attribute('disabled')}; ` +
          `the sandbox (pid ${sandbox.pid}) ${alive ? 'runs' : `ended (${sandbox.exitCode ?? sandbox.signalCode})`}, ` +
          `listening on ${port}: ${listening || 'nothing'}`,
      );
    });
  assert.match(await (await cell('finance', 'alice')).text(), /✘ called: 403/);
  assert.match(await (await cell('finance', 'bob')).text(), /✔ called: 200/);
  assert.match(await (await cell('hello', 'bob')).text(), /✔ called: 200/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'access-view');

  // Only the rows with a red cell, then an identity filter.
  await (await s().find('[data-testid="access-only-red"]')).click();
  const rows = await s().findAll('[data-testid="access-row"]');
  assert.ok(rows.length >= 3 && rows.length <= 7);

  // Export as Markdown: no token, no secret.
  await typeInto(s(), 'access-export-path', path.join(home, 'access.md'));
  await (await s().find('[data-testid="access-export"]')).click();
  await s().waitFor('[data-testid="access-saved"]');
  const md = readFileSync(path.join(home, 'access.md'), 'utf8');
  assert.match(md, /\| finance \|/);
  assert.match(md, /- \*\*alice\*\* on \*\*finance\*\*: CAN USE on finance/);
  for (const sp of info.service_principals) assert.ok(!md.includes(sp.client_secret));
  assert.doesNotMatch(md, /eyJ/);

  // The Doctor, one click from a red cell, on that app and identity.
  // (Centred first: the export bar stays over the table's foot.)
  const doctorOf = '[data-testid="access-cell"][data-app="finance"][data-connection="alice"] [data-testid="access-doctor"]';
  await s().execute(`document.querySelector('${doctorOf}').scrollIntoView({ block: 'center', behavior: 'instant' });`);
  await (await s().find(doctorOf)).click();
  const url = await s().waitFor('[data-testid="doctor-url"]');
  assert.match(await url.attribute('value'), /^https:\/\/finance-.*\/api\/hello$/);
});
