// Journey 0: the window opens on the Lakegate shell and shows what the backend answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

test('the window shows the shell: connections, request and response regions', async () => {
  const s = app.session;
  assert.equal(await s.title(), 'Lakegate');
  const sidebar = await s.waitFor('nav[aria-labelledby="connections-heading"]');
  assert.ok(await sidebar.displayed());
  assert.match(await (await s.find('#connections-heading')).text(), /connections/i);
  assert.match(await (await s.waitFor('[data-testid="connections-empty"]')).text(), /No connection yet/);
  // First start shows the guide; the workbench is one click away.
  await s.waitFor('[data-testid="guide"]');
  await (await s.find('[data-testid="open-workbench"]')).click();
  await s.waitFor('#request-heading');
  // The request and response regions are labelled for assistive technology.
  const [request, response] = await s.execute(
    `return ['request-heading', 'response-heading'].map((id) => {
       const h = document.getElementById(id);
       return h && h.closest('section') ? h.textContent : null;
     })`,
  );
  assert.match(request, /request/i);
  assert.match(response, /response/i);
});

test('a backend command answers and the answer is shown', async () => {
  const s = app.session;
  const info = await s.waitFor('[data-testid="app-info"]');
  const text = await info.text();
  assert.match(text, /Lakegate \d+\.\d+\.\d+/);
  assert.match(text, /linux/);
  // The folder comes from Rust, which saw the throwaway XDG_CONFIG_HOME given to the app.
  assert.ok(text.includes(app.env.XDG_CONFIG_HOME), `${text} should name ${app.env.XDG_CONFIG_HOME}`);
});

test('everything fits 1280×800 without horizontal scrolling', async () => {
  const [scrollWidth, clientWidth] = await app.session.execute(
    'return [document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  assert.ok(scrollWidth <= clientWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px window`);
});

test('the webview has no global Tauri object and no eval', async () => {
  const [globalTauri, evalWorks] = await app.session.execute(
    `let evalWorks = false; try { evalWorks = (0, eval)('1 + 1') === 2; } catch (e) {}
     return [typeof window.__TAURI__ !== 'undefined', evalWorks]`,
  );
  assert.equal(globalTauri, false, 'withGlobalTauri must stay off');
  assert.equal(evalWorks, false, 'the CSP must block eval');
});

test('no serious or critical accessibility violation', async () => {
  const violations = await app.session.seriousA11yViolations();
  assert.deepEqual(violations, []);
  await shot(app.session, 'shell');
});
