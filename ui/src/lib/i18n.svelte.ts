// The window's languages. Every sentence comes from a Fluent catalogue in ../locales/
// (the same files the Rust side renders the Doctor's findings and exported reports from).
// A new language is one file there; this module finds it by itself.
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import type { Msg, Text } from './bindings';

const files = import.meta.glob('../../../locales/*.ftl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Every catalogue's source, by language code (`en`, `pt-BR`). */
export const catalogues: Record<string, string> = Object.fromEntries(
  Object.entries(files).map(([path, source]) => [path.replace(/^.*\//, '').replace(/\.ftl$/, ''), source]),
);

export const ENGLISH = 'en';

/** Every language, English first. */
export const languages: string[] = Object.keys(catalogues).sort((a, b) => (a === ENGLISH ? -1 : b === ENGLISH ? 1 : a.localeCompare(b)));

const bundles: Record<string, FluentBundle> = Object.fromEntries(
  languages.map((code) => {
    const bundle = new FluentBundle(code, { useIsolating: false });
    bundle.addResource(new FluentResource(catalogues[code]!));
    return [code, bundle];
  }),
);

let current = $state(ENGLISH);

/** The language the window speaks now. */
export function language(): string {
  return current;
}

/** Switches every visible string at once (no restart); the page's `lang` follows. */
export function useLanguage(code: string) {
  // Which language to speak is decided in Rust (`language_settings`): only a code it sent.
  current = languages.includes(code) ? code : ENGLISH;
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

/** A language's own name for itself ("Português (Brasil)"). */
export function languageName(code: string): string {
  const bundle = bundles[code];
  const message = bundle?.getMessage('language-name');
  return bundle && message?.value ? bundle.formatPattern(message.value) : code;
}

export type Args = Record<string, FluentVariable>;

/** The message `id` in the window's language (English where the catalogue lacks it). */
export function t(id: string, args?: Args): string {
  for (const code of [current, ENGLISH]) {
    const bundle = bundles[code];
    const message = bundle?.getMessage(id);
    if (bundle && message?.value) return bundle.formatPattern(message.value, args);
  }
  return id;
}

/** A message the Rust side made (a Doctor finding's sentence), in the window's language. */
export function msg(m: Msg): string {
  return t(m.id, m.args);
}

/** A sentence of messages, as Rust joins them. */
export function text(parts: Text): string {
  return parts
    .map(msg)
    .filter((s) => s !== '')
    .join(' ');
}

/** A number as the window's language writes it (1,234.5 / 1.234,5). */
export function num(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(current, options).format(n);
}

/** A moment (Unix seconds) as the window's language writes dates and times. */
export function dateTime(unixSeconds: number): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(unixSeconds * 1000));
}
