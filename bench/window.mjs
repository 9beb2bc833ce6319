// What the window benchmarks share: the app's process, its whole memory, its files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';

/** PSS in bytes of `pid` and every process below it. */
export function treePss(pid) {
  return Object.values(pssByProcess(pid)).reduce((a, b) => a + b, 0);
}

/** PSS in bytes of `pid` and every process below it, by process name. */
export function pssByProcess(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {}
  }
  const byName = {};
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (m) byName[name] = (byName[name] ?? 0) + Number(m[1]) * 1024;
    } catch {}
    stack.push(...(children.get(p) ?? []));
  }
  return byName;
}

/** The window's process: `lakegate` replaced itself with `lakegate-window` next to it. */
export function appPid() {
  const bin = realpathSync(process.env.LAKEGATE_BIN).replace(/lakegate$/, 'lakegate-window');
  const found = readdirSync('/proc').filter((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return realpathSync(`/proc/${p}/exe`) === bin;
    } catch {
      return false;
    }
  });
  assert.equal(found.length, 1, `one ${bin} process runs: ${found}`);
  return Number(found[0]);
}

export function findFile(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    }
  }
  return null;
}
