// Which language the window speaks: the one chosen in Settings, else the system's locale
// (read by Rust where it can, else the webview's), else English. Rust is told, so that the
// reports it writes for the window are in the same language.
import { api } from './api';
import { negotiate, useLanguage } from './i18n.svelte';

function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages;
}

/** Applies the language in effect; returns it. */
export async function startLanguage(): Promise<string> {
  let effective = negotiate(browserLanguages());
  try {
    const s = await api.languageSettings();
    effective = s.chosen ?? negotiate([s.system, ...browserLanguages()]);
    useLanguage(effective);
    await api.setLanguage(effective, false);
  } catch {
    useLanguage(effective);
  }
  return effective;
}

/** Keeps `code` (none: follow the system) in settings.json and switches to it at once. */
export async function chooseLanguage(code: string | null): Promise<string> {
  await api.setLanguage(code, true);
  return startLanguage();
}
