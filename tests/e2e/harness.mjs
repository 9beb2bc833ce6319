// Shared set-up for every journey: one app session per test file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Session } from './webdriver.mjs';

const repo = path.resolve(import.meta.dirname, '..', '..');
export const outDir = path.join(repo, 'target', 'e2e');

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the journeys through tests/e2e/run.sh (make e2e)`);
  return v;
}

/** Whether a Lakegate window still runs (the last journey's, on its way out). */
function windowRunning() {
  return readdirSync('/proc').some((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'lakegate-window';
    } catch {
      return false;
    }
  });
}

/** Starts the app in a new window. Its home is the throwaway one run.sh gave tauri-driver. */
export async function launchApp() {
  // Lakegate runs one window: a start while the last journey's window is still closing
  // would hand over to it and exit. Wait for it to be gone.
  for (let i = 0; i < 150 && windowRunning(); i++) await new Promise((r) => setTimeout(r, 100));
  const home = required('LAKEGATE_E2E_HOME');
  const env = {
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
  };
  const session = await Session.start(required('WEBDRIVER_URL'), required('LAKEGATE_BIN'));
  return { session, home, env };
}

/** Saves the end state of a journey as target/e2e/<name>.png. */
export function shot(session, name) {
  return session.screenshot(path.join(outDir, `${name}.png`));
}

/** Types `text` into the field `[data-testid=testid]` as one input event (as a paste does). */
export function typeInto(session, testid, text) {
  return session.execute(
    `const el = document.querySelector('[data-testid="${testid}"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [text],
  );
}

/** Chooses the window's language in Settings (`system`: the system's), as a person would. */
export async function chooseLanguage(session, value) {
  await (await session.find('[data-testid="open-settings"]')).click();
  await session.waitFor('[data-testid="language"]');
  await session.execute(
    `const el = document.querySelector('[data-testid="language"]');
     el.value = arguments[0]; el.dispatchEvent(new Event('change', { bubbles: true }));`,
    [value],
  );
}
