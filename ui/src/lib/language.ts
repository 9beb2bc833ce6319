// Which language the window speaks: the one chosen in Settings, else the system's locale
// (read by Rust where it can, else the webview's), else English. Rust is told, so that the
// reports it writes for the window are in the same language.
import { api } from './api';
import type { LanguageSettings } from './bindings';
import { negotiate, useLanguage } from './i18n.svelte';

function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages;
}

/** Applies the language in effect; returns the settings it read (null: none could be). */
export async function startLanguage(): Promise<LanguageSettings | null> {
  try {
    const s = await api.languageSettings();
    const effective = s.chosen ?? negotiate([s.system, ...browserLanguages()]);
    useLanguage(effective);
    await api.setLanguage(effective, false);
    return s;
  } catch {
    useLanguage(negotiate(browserLanguages()));
    return null;
  }
}

/** Keeps `code` (none: follow the system) in settings.json and switches to it at once. */
export async function chooseLanguage(code: string | null): Promise<LanguageSettings | null> {
  await api.setLanguage(code, true);
  return startLanguage();
}
