// The window in Brazilian Portuguese: chosen in Settings (kept in settings.json), switched
// without a restart; then journeys J1 (the sandbox tour: sign in, apps, a 200, a 403
// explained) and J5 (a failing URL → the full Doctor → the exported report) in Portuguese,
// axe-clean, with screenshots. Ends back on the system's language, as it found the home.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chooseLanguage as chooseLanguageIn, launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;
const textOf = async (css) => (await s().find(css)).text();
const pageLang = () => s().execute('return document.documentElement.lang;');

const chooseLanguage = (value) => chooseLanguageIn(s(), value);

async function settingsFile() {
  const info = await textOf('[data-testid="app-info"]');
  const dir = info.match(/(\/\S+)\s*$/)?.[1];
  assert.ok(dir, info);
  return path.join(dir, 'settings.json');
}

test('Settings switches the window to Portuguese at once, and settings.json keeps it', async () => {
  await s().waitFor('#connections-heading', { predicate: async (el) => /Connections/i.test(await el.text()) });
  assert.equal(await pageLang(), 'en');
  await chooseLanguage('pt-BR');
  await s().waitFor('#connections-heading', { predicate: async (el) => /Conexões/i.test(await el.text()) });
  assert.equal(await pageLang(), 'pt-BR');
  assert.match(await textOf('#settings-heading'), /Configurações/);
  assert.match(await textOf('[data-testid="open-doctor"]'), /Doctor/);
  const file = await settingsFile();
  assert.ok(existsSync(file), file);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).language, 'pt-BR');
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-settings');
});

test('J1 em português: a sandbox, os aplicativos, um 200 e um 403 explicado', async () => {
  await (await s().waitFor('[data-testid="try-sandbox"]')).click();
  await s().waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /conectado como alice@example\.com/.test(await el.text()),
  });
  const list = await s().waitFor('[data-testid="apps"]', { timeout: 30000 });
  const apps = await list.text();
  assert.match(apps, /parado/);
  assert.match(apps, /escopos: sql/);
  await (await s().find('[data-testid="app"][data-name="hello"]')).click();
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
  await (await s().find('[data-testid="send"]')).click();
  const status = await s().waitFor('[data-testid="response-status"]', { timeout: 30000 });
  assert.match(await status.text(), /200 OK/);
  assert.match(await status.text(), /primeiro byte/);
  assert.match(await textOf('[role="tablist"][aria-label="Partes da resposta"]'), /Cabeçalhos/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-j1-hello-200');

  await (await s().find('[data-testid="app"][data-name="finance"]')).click();
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => /^https:\/\/finance-/.test((await el.attribute('value')) ?? '') });
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="response-status"]', { predicate: async (el) => /403/.test(await el.text()) });
  const doctor = await s().waitFor('[data-testid="auto-doctor"] [data-testid="findings"]', { timeout: 30000 });
  const findings = await doctor.text();
  assert.match(findings, /Permissão/);
  assert.match(findings, /não pode ler as permissões de finance/);
  assert.match(findings, /por exemplo quem o criou \(admin@example\.com\)/);
  assert.match(findings, /Você não tem CAN USE no aplicativo/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-j1-403-doctor');
});

test('the scope matrix and the token inspector in Portuguese', async () => {
  await (await s().find('[data-testid="open-matrix"]')).click();
  const gap = await s().waitFor('[data-testid="scope-gap"]', { timeout: 30000 });
  assert.match(await gap.text(), /Faltam no token:/);
  assert.match(await textOf('[data-testid="sign-in-missing"]'), /Entrar com estes escopos/);
  assert.match(await textOf('[data-testid="scope-matrix"] table'), /Escopos efetivos/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-matrix');
  await s().execute(`document.querySelector('[data-testid="scope-matrix"] .head .btn').click();`);
  await (await s().waitFor('[data-testid="inspect-token"]')).click();
  const expiry = await s().waitFor('[data-testid="token-expiry"]');
  assert.match(await expiry.text(), /expira em/);
  assert.match(await textOf('[data-testid="token-inspector"]'), /Decodificado sem verificar a assinatura/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-token-inspector');
});

test('J5 em português: o Doctor completo numa URL que falha, e o relatório exportado', async () => {
  await (await s().find('[data-testid="open-doctor"]')).click();
  const input = await s().waitFor('[data-testid="doctor-url"]');
  const failing = ((await input.attribute('value')) ?? '').replace(/^https:\/\/[a-z-]+?-(\d+)\./, 'https://report-$1.');
  assert.match(failing, /^https:\/\/report-\d+\.apps\.localhost:\d+\/api\//);
  await s().execute(
    `const el = document.querySelector('[data-testid="doctor-url"]');
     el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [failing],
  );
  assert.match(await textOf('[data-testid="run-doctor"]'), /Rodar o Doctor/);
  await (await s().find('[data-testid="run-doctor"]')).click();
  await s().waitFor('[data-testid="export-report"]', { timeout: 60000 });
  const findings = await textOf('[data-testid="doctor"] [data-testid="findings"]');
  for (const title of ['Formato da URL', 'DNS', 'Conexão TCP', 'TLS', 'Proxy', 'OAuth do espaço de trabalho', 'Token', 'Identidade', 'Aplicativo', 'Permissão', 'Escopos', 'Endpoint', 'Solicitação']) {
    assert.ok(findings.includes(title), `${title} is reported`);
  }
  assert.match(findings, /STOPPED/);
  assert.match(findings, /Inicie o aplicativo no espaço de trabalho/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-j5-doctor');

  await (await s().find('[data-testid="export-report"]')).click();
  const exported = await (await s().waitFor('[data-testid="exported"]')).text();
  assert.match(exported, /Salvo, com os segredos ocultados/);
  const paths = [...exported.matchAll(/(\/\S+\.(?:md|json))/g)].map((m) => m[1]);
  assert.equal(paths.length, 2, exported);
  const md = readFileSync(paths.find((p) => p.endsWith('.md')), 'utf8');
  assert.match(md, /^# Relatório do Doctor do Lakegate/);
  assert.match(md, /\| Aplicativo \| ✖ falhou \|/);
  assert.match(md, /- Próximo passo: Inicie o aplicativo/);
  const json = JSON.parse(readFileSync(paths.find((p) => p.endsWith('.json')), 'utf8'));
  assert.equal(json.language, 'pt-BR');
  assert.ok(json.findings.some((f) => f.title === 'Aplicativo' && /Inicie o aplicativo/.test(f.nextStep)));
  for (const p of paths) assert.doesNotMatch(readFileSync(p, 'utf8'), /eyJ[A-Za-z0-9_-]{10,}|doau[A-Za-z0-9_-]{20,}/);
  await shot(s(), 'pt-j5-exported');
});

test('who can call which app, and a stream as it arrives, in Portuguese', async () => {
  await (await s().find('[data-testid="open-access"]')).click();
  await s().waitFor('[data-testid="access-summary"]', { timeout: 60000, predicate: async (el) => /aplicativos × 1 identidade/.test(await el.text()) });
  await s().execute(
    `const el = document.querySelector('[data-testid="access-path"]');
     el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    ['/api/hello'],
  );
  await (await s().waitFor('[data-testid="access-check-all"]:not([disabled])')).click();
  await s().waitFor('[data-testid="access-summary"]', { timeout: 120000, predicate: async (el) => /cada aplicativo chamado em \/api\/hello/.test(await el.text()) });
  assert.match(await textOf('[data-testid="access-cell"][data-app="finance"]'), /chamado: 403/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-access-view');
  await s().execute(`document.querySelector('[data-testid="access-view"] .head .btn').click();`);

  // A streamed answer, event by event, on the hello app's own host.
  await (await s().waitFor('[data-testid="app"][data-name="hello"]')).click();
  const url = await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
  const origin = new URL(await url.attribute('value')).origin;
  await s().execute(
    `const el = document.querySelector('[data-testid="url"]');
     el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [`${origin}/api/chat?prompt=oi&delay_ms=120`],
  );
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="stop-stream"]', { timeout: 30000 });
  await s().waitFor('[data-testid="stream"]', {
    predicate: async (el) => (await el.text()).split('text:').length > 4,
  });
  assert.match(await textOf('[data-testid="stream"]'), /Recebendo/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-stream-live');
  await s().waitFor('[data-testid="response-status"]', { timeout: 30000, predicate: async (el) => /200 OK/.test(await el.text()) });
});

test('errors Rust writes for the window are in Portuguese too', async () => {
  await (await s().find('[data-testid="add-connection"]')).click();
  await (await s().waitFor('[data-testid="save-connection"]')).click();
  const err = await s().waitFor('#err-name', { timeout: 15000 });
  assert.match(await err.text(), /dê um nome à conexão/);
  await (await s().find('[data-testid="field-scopes"]')).type('file.files');
  const hint = await s().waitFor('[data-testid="scope-hint"]', { timeout: 15000 });
  assert.match(await hint.text(), /você quis dizer files\.files\?/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'pt-add-connection-error');
  await s().execute(`document.querySelector('[data-testid="add-connection-form"] .actions .btn:not(.btn-primary)').click();`);
});

test('back to the system language, without a restart', async () => {
  await chooseLanguage('system');
  await s().waitFor('#connections-heading', { predicate: async (el) => /Connections/i.test(await el.text()) });
  assert.equal(await pageLang(), 'en');
  assert.match(await textOf('#settings-heading'), /Settings/);
  assert.equal(JSON.parse(readFileSync(await settingsFile(), 'utf8')).language ?? null, null);
  assert.deepEqual(await s().seriousA11yViolations(), []);
});
