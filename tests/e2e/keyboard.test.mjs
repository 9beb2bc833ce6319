// Finding one's way without a mouse: Alt+letter opens each view, ? shows every shortcut,
// Ctrl+K finds a view (or an app, an endpoint, a request, a connection) by typing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp, shot } from './harness.mjs';
import { Session } from './webdriver.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;

test('Alt+letter opens a view, and ? lists every shortcut', async () => {
  await s().waitFor('[data-testid="guide"]', { timeout: 30000 });
  await s().press(Session.ALT, 'w');
  await s().waitFor('#request-heading');
  await s().press(Session.ALT, 'g');
  await s().waitFor('[data-testid="guide"]');
  await s().press('?');
  const sheet = await s().waitFor('[data-testid="shortcuts"]');
  const words = await sheet.text();
  assert.match(words, /Keyboard shortcuts/);
  assert.match(words, /Ctrl\s*\+\s*K/);
  assert.match(words, /Alt\s*\+\s*D\s*Doctor/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'shortcuts');
  await s().press(Session.ESCAPE);
  await s().waitFor('[data-testid="guide"]');
  assert.equal((await s().findAll('[data-testid="shortcuts"]')).length, 0);
});

test('Ctrl+K finds a view by typing, and Enter goes there', async () => {
  await s().press(Session.CONTROL, 'k');
  const input = await s().waitFor('[data-testid="palette-input"]');
  await input.type('doc');
  await s().waitFor('[data-testid="palette-item"]', { predicate: async (el) => /Doctor/.test(await el.text()) });
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'palette');
  await s().press(Session.ENTER);
  await s().waitFor('[data-testid="doctor-url"]');
  assert.equal((await s().findAll('[data-testid="palette"]')).length, 0);
  // Nothing by a name: said so; Escape closes.
  await s().press(Session.CONTROL, 'k');
  await (await s().waitFor('[data-testid="palette-input"]')).type('no such thing anywhere');
  await s().waitFor('#palette-list', { predicate: async (el) => /Nothing by that name/.test(await el.text()) });
  await s().press(Session.ESCAPE);
  assert.equal((await s().findAll('[data-testid="palette"]')).length, 0);
});
