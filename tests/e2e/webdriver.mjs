// A small W3C WebDriver client for the journeys: sessions, elements, waits,
// scripts and screenshots, over Node's fetch. Talks to tauri-driver.
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** The id of a WebDriver element reference (W3C key, or the legacy one some drivers send). */
function elementId(ref) {
  const id = ref?.[ELEMENT] ?? ref?.ELEMENT;
  if (typeof id !== 'string') throw new Error(`not an element reference: ${JSON.stringify(ref)}`);
  return id;
}

export class WebDriverError extends Error {
  constructor(method, route, status, value) {
    super(`${method} ${route} → ${status}: ${value?.error ?? ''} ${value?.message ?? JSON.stringify(value)}`);
    this.value = value;
  }
}

async function request(base, method, route, body) {
  const res = await fetch(base + route, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new WebDriverError(method, route, res.status, json.value);
  return json.value;
}

export class Session {
  static async start(base, application, args = []) {
    const value = await request(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: { 'tauri:options': { application, args } },
      },
    });
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, route, body) {
    return request(this.base, method, `/session/${this.id}${route}`, body);
  }

  async find(css) {
    const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, elementId(value));
  }

  async findAll(css) {
    const values = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return values.map((v) => new Element(this, elementId(v)));
  }

  /** Waits until `css` matches an element (and `predicate(el)` holds, when given). */
  async waitFor(css, { timeout = 20000, predicate } = {}) {
    const until = Date.now() + timeout;
    let last;
    while (Date.now() < until) {
      try {
        const el = await this.find(css);
        if (!predicate || (await predicate(el))) return el;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    // What the window showed instead: the element's last text and any alert, to read a
    // failure from the log alone.
    let seen = '';
    try {
      seen = await this.execute(
        `const el = document.querySelector(arguments[0]);
         const alerts = [...document.querySelectorAll('[role="alert"]')].map((a) => a.textContent.trim()).filter(Boolean);
         return [el ? 'it said: ' + el.textContent.trim().slice(0, 400) : 'not on the page', ...alerts.map((a) => 'alert: ' + a.slice(0, 400))].join('; ');`,
        [css],
      );
    } catch (e) {
      seen = `the page could not be read (${e.message})`;
    }
    throw new Error(`timed out after ${timeout} ms waiting for ${css}${last ? `: ${last.message}` : ''} (${seen})`);
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  title() {
    return this.cmd('GET', '/title');
  }

  async screenshot(file) {
    const b64 = await this.cmd('GET', '/screenshot');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Buffer.from(b64, 'base64'));
    return file;
  }

  async setTimeouts(ms) {
    await this.cmd('POST', '/timeouts', { script: ms });
  }

  /** Runs axe-core in the page; returns the violations of impact serious or critical. */
  async seriousA11yViolations() {
    const require = createRequire(import.meta.url);
    const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    await this.setTimeouts(60000);
    // A frame first: axe reads layout, and a page that has not drawn since it settled
    // (WebKit painting without compositing) would leave it waiting.
    await this.executeAsync('const done = arguments[arguments.length - 1]; requestAnimationFrame(() => done(null));');
    const result = await this.executeAsync(
      `const done = arguments[arguments.length - 1];
       ${source}
       axe.run(document, { resultTypes: ['violations'] })
         .then(r => done(JSON.stringify(r.violations)))
         .catch(e => done(JSON.stringify({ error: String(e) })));`,
    );
    const parsed = JSON.parse(result);
    if (parsed.error) throw new Error(`axe-core failed: ${parsed.error}`);
    return parsed
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }

  /** Presses `keys` together as a person does (held in order, let go in reverse): WebDriver
   * key values, e.g. Session.CONTROL and 'k'. */
  async press(...keys) {
    const down = keys.map((value) => ({ type: 'keyDown', value }));
    const up = [...keys].reverse().map((value) => ({ type: 'keyUp', value }));
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: [...down, ...up] }] });
    await this.cmd('DELETE', '/actions').catch(() => {});
  }

  async end() {
    await request(this.base, 'DELETE', `/session/${this.id}`).catch(() => {});
  }
}

Session.CONTROL = '\uE009';
Session.ALT = '\uE00A';
Session.ENTER = '\uE007';
Session.ESCAPE = '\uE00C';
Session.DOWN = '\uE015';

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  text() {
    return this.session.cmd('GET', `/element/${this.id}/text`);
  }
  click() {
    return this.session.cmd('POST', `/element/${this.id}/click`, {});
  }
  type(text) {
    return this.session.cmd('POST', `/element/${this.id}/value`, { text });
  }
  attribute(name) {
    return this.session.cmd('GET', `/element/${this.id}/attribute/${name}`);
  }
  displayed() {
    return this.session.cmd('GET', `/element/${this.id}/displayed`);
  }
  rect() {
    return this.session.cmd('GET', `/element/${this.id}/rect`);
  }
}
