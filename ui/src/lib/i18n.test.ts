// The catalogues stay whole: the same messages with the same variables in every
// language, every message the code asks for exists, and no .svelte file shows a word
// that does not come through the catalogue.
import { describe, expect, it } from 'vitest';

const svelteFiles = import.meta.glob('../**/*.svelte', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const codeFiles = import.meta.glob(['../**/*.ts', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const rustFiles = import.meta.glob('../../../src-tauri/**/*.rs', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
import { parse as parseFtl, Message, Term, type BaseNode } from '@fluent/syntax';
import { parse as parseSvelte } from 'svelte/compiler';
import { catalogues, dateTime, languages, t, useLanguage, text } from './i18n.svelte';
import { formatMs, formatSize } from './request';
import { expiryWords } from './time';

function variables(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => variables(n, into));
  else if (node && typeof node === 'object') {
    const n = node as BaseNode & { id?: { name: string } };
    if (n.type === 'VariableReference' && n.id) into.add(n.id.name);
    for (const v of Object.values(n)) if (v && typeof v === 'object') variables(v, into);
  }
  return into;
}

function messages(code: string): Map<string, Set<string>> {
  const resource = parseFtl(catalogues[code]!, { withSpans: false });
  const junk = resource.body.filter((e) => e.type === 'Junk');
  expect(junk, `locales/${code}.ftl has lines Fluent cannot read`).toEqual([]);
  const out = new Map<string, Set<string>>();
  for (const entry of resource.body) {
    if (entry instanceof Message || entry instanceof Term) {
      expect(out.has(entry.id.name), `${entry.id.name} twice in ${code}`).toBe(false);
      out.set(entry.id.name, variables(entry.value));
    }
  }
  return out;
}

describe('catalogues', () => {
  const en = messages('en');

  it('every language has every English message, and nothing else', () => {
    expect(languages[0]).toBe('en');
    expect(languages).toContain('pt-BR');
    for (const code of languages) {
      const other = messages(code);
      const missing = [...en.keys()].filter((k) => !other.has(k));
      const extra = [...other.keys()].filter((k) => !en.has(k));
      expect({ code, missing, extra }).toEqual({ code, missing: [], extra: [] });
    }
  });

  it('a message takes the same variables in every language', () => {
    for (const code of languages) {
      const other = messages(code);
      const differ = [...en.entries()]
        .filter(([k, vars]) => other.has(k) && [...vars].sort().join() !== [...other.get(k)!].sort().join())
        .map(([k, vars]) => `${k}: en {${[...vars].join(', ')}} ≠ ${code} {${[...other.get(k)!].join(', ')}}`);
      expect(differ).toEqual([]);
    }
  });

  it('the messages asked for by a computed id exist', () => {
    const checks = ['url', 'dns', 'tcp', 'tls', 'proxy', 'oauth', 'token', 'identity', 'app', 'permission', 'scopes', 'endpoint', 'request'];
    const kinds = ['user', 'servicePrincipal', 'pat', 'cliProfile'];
    const ids = [
      ...checks.map((c) => `doctor-check-${c}`),
      ...kinds.flatMap((k) => [`kind-${k}`, `add-kind-${k}`, `add-kind-${k}-hint`]),
      'body-collapse-node',
      'body-expand-node',
      'sandbox-role-user',
      'sandbox-role-admin',
    ];
    expect(ids.filter((id) => !en.has(id))).toEqual([]);
  });

  it('every message the code asks for exists', () => {
    const asked = new Set<string>();
    for (const source of [...Object.values(svelteFiles), ...Object.values(codeFiles)]) {
      for (const m of source.matchAll(/\bt\(\s*'([a-z0-9-]+)'/g)) asked.add(m[1]!);
    }
    for (const [file, whole] of Object.entries(rustFiles)) {
      // A module's own tests may ask for a message that does not exist, on purpose.
      const source = file.endsWith('/i18n.rs') ? whole.split('#[cfg(test)]')[0]! : whole;
      for (const m of source.matchAll(/\b(?:m|wsay)!\(\s*"([a-z0-9-]+)"/g)) asked.add(m[1]!);
      for (const m of source.matchAll(/\bsay!\(\s*[\w.]+,\s*"([a-z0-9-]+)"/g)) asked.add(m[1]!);
      for (const m of source.matchAll(/\b(?:Msg::new|i18n::text)\(\s*(?:[\w.]+,\s*)?"([a-z0-9-]+)"/g)) asked.add(m[1]!);
    }
    expect(asked.size).toBeGreaterThan(300);
    expect([...asked].filter((id) => !en.has(id))).toEqual([]);
  });
});

describe('switching', () => {
  it('speaks only a language it has (which one is decided in Rust)', () => {
    useLanguage('de-DE');
    expect(t('nav-doctor')).toBe('Doctor');
    useLanguage('en');
  });

  it('switches every message at once, and renders what Rust sends', () => {
    useLanguage('pt-BR');
    expect(t('doctor-check-scopes')).toBe('Escopos');
    expect(text([{ id: 'doctor-scopes-fail-next', args: { scopes: 'sql' } }])).toContain('sql');
    useLanguage('en');
    expect(t('doctor-check-scopes')).toBe('Scopes');
    expect(t('no-such-message')).toBe('no-such-message');
  });

  it('writes numbers, sizes, durations, dates and plurals as each language does', () => {
    useLanguage('pt-BR');
    expect(formatSize(1536)).toBe('1,5 KB');
    expect(formatMs(1234.4)).toBe('1.234 ms');
    expect(t('stream-count', { n: 1 })).toBe('1 evento');
    expect(t('stream-count', { n: 1200 })).toBe('1.200 eventos');
    expect(expiryWords(1000 + 52 * 60, 1000)).toBe('expira em 52 min');
    expect(dateTime(0)).toMatch(/1970|1969/);
    useLanguage('en');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatMs(1234.4)).toBe('1,234 ms');
    expect(t('stream-count', { n: 1 })).toBe('1 event');
    expect(expiryWords(1000 + 52 * 60, 1000)).toBe('expires in 52 min');
  });
});

// Markup text and the attributes a person reads or hears.
const SPOKEN_ATTRIBUTES = new Set(['placeholder', 'title', 'aria-label', 'alt', 'label', 'aria-description', 'aria-placeholder']);
// Text that is not words: symbols, arrows, punctuation, units the catalogue also leaves alone.
const WORDLESS = /^[\s\p{P}\p{S}\d×·…→←↑↓✔✖⚠ℹ–—]*$/u;
// Names that are the same in every language: protocol words, units, keys.
const TECHNICAL = new Set(['URL', 'Ctrl+↵', 'Authorization', 'Bearer ••••••••', 's', 'curl', 'Markdown', 'CSV']);

type Node = { type?: string; [k: string]: unknown };

/** Words in a string literal of a template expression: a literal that is itself shown
 * (the expression, a branch of `?:`, `??` or `||`), or one that reads like a sentence (has a
 * space or starts with a capital). Not a message id given to `t()`, not a value compared
 * with `===` (a state, a kind). */
function wordsInExpression(node: unknown, found: string[], shown = true, parent?: Node) {
  if (Array.isArray(node)) return node.forEach((n) => wordsInExpression(n, found, shown, parent));
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  // t('id', { values }): the id is not a word shown; the values may be.
  if (n.type === 'CallExpression' && (n.callee as Node & { name?: string })?.name === 't') {
    return wordsInExpression((n.arguments as unknown[]).slice(1), found, false, n);
  }
  const compared = parent?.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(parent.operator as string);
  const sentence = (v: string) => /\p{L}{2,}/u.test(v) && (shown || /\s/.test(v.trim()) || /^\p{Lu}\p{Ll}/u.test(v));
  if (n.type === 'Literal' && typeof n.value === 'string' && !compared && sentence(n.value)) found.push(`'${n.value}'`);
  if (n.type === 'TemplateElement') {
    const raw = (n.value as { raw: string }).raw;
    if (/\p{L}{2,}/u.test(raw)) found.push(`\`${raw}\``);
  }
  for (const [k, v] of Object.entries(n)) {
    if (k === 'loc' || !v || typeof v !== 'object') continue;
    const passes =
      (n.type === 'ConditionalExpression' && k !== 'test') || n.type === 'LogicalExpression' || n.type === 'TemplateLiteral';
    wordsInExpression(v, found, shown && passes, n);
  }
}

function literals(source: string): string[] {
  const ast = parseSvelte(source, { modern: true });
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Node & { data?: string; name?: string; value?: unknown };
    if (n.type === 'Text' && !WORDLESS.test(n.data ?? '') && !TECHNICAL.has((n.data ?? '').trim())) found.push((n.data ?? '').trim());
    if (n.type === 'ExpressionTag') return wordsInExpression(n.expression, found);
    // Code is shown as it is, in every language; styles are not text.
    if ((n.type === 'RegularElement' && n.name === 'code') || n.type === 'StyleDirective') return;
    if (n.type === 'Attribute') {
      if (!SPOKEN_ATTRIBUTES.has(n.name ?? '')) return;
      const values = Array.isArray(n.value) ? n.value : [n.value];
      for (const v of values as (Node & { data?: string })[]) {
        if (v?.type === 'Text' && !WORDLESS.test(v.data ?? '')) found.push(`${n.name}="${v.data}"`);
        if (v?.type === 'ExpressionTag') wordsInExpression(v.expression, found);
      }
      return;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'metadata' && v && typeof v === 'object') walk(v);
  };
  walk(ast.fragment);
  return found;
}

describe('no word in a .svelte file bypasses the catalogue', () => {
  expect(Object.keys(svelteFiles).length).toBeGreaterThan(15);

  it('finds the words it is meant to find', () => {
    expect(literals('<p>Hello</p><input placeholder="Type here" /><span>{t(\'x-y\')} · 3</span>')).toEqual(['Hello', 'placeholder="Type here"']);
    expect(literals('<p>{busy ? \'Sending…\' : t(\'send\')}</p><b title={`Hi ${n}`}>{view === \'work\' ? 1 : 2}</b>')).toEqual(["'Sending…'", '`Hi `']);
  });

  for (const [file, source] of Object.entries(svelteFiles)) {
    it(file.replace(/^\.\.\//, ''), () => {
      expect(literals(source)).toEqual([]);
    });
  }
});
