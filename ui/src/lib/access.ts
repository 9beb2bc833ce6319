// The access view's cells: the core decides each part (icon and words, never colour
// alone: `AccessCell::parts` in src-tauri/access.rs); the window draws it in its language.
import type { Marked } from './bindings';
import { text } from './i18n.svelte';

export function partText(p: Marked): string {
  const words = text(p.text);
  return p.mark ? `${p.mark} ${words}` : words;
}

/** The URL the Doctor starts from: the app at the path Check all called, else its root. */
export function doctorUrl(appUrl: string | null, path: string | null): string {
  if (!appUrl) return '';
  return `${appUrl.replace(/\/+$/, '')}${path ?? '/'}`;
}
