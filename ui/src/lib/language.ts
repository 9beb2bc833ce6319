// Which language the window speaks is decided in Rust (`App::language_settings`): the one
// chosen in Settings, else the system's locale, else the first of the webview's languages
// Lakegate speaks, else English. Rust is told the result, so that the reports it writes for
// the window are in the same language.
import { api } from './api';
import type { LanguageSettings } from './bindings';
import { useLanguage } from './i18n.svelte';

function browserLanguages(): string[] {
  return typeof navigator === 'undefined' ? [] : [...navigator.languages];
}

/** Applies the language in effect; returns the settings it read (null: none could be). */
export async function startLanguage(): Promise<LanguageSettings | null> {
  try {
    const s = await api.languageSettings(browserLanguages());
    useLanguage(s.effective);
    await api.setLanguage(s.effective, false);
    return s;
  } catch {
    useLanguage('en');
    return null;
  }
}

/** Keeps `code` (none: follow the system) in settings.json and switches to it at once. */
export async function chooseLanguage(code: string | null): Promise<LanguageSettings | null> {
  await api.setLanguage(code, true);
  return startLanguage();
}
