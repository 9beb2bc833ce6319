// The access view's cells in words, with their icons (never colour alone).
import type { AccessCell } from './bindings';
import { t } from './i18n.svelte';

const LEVEL: Record<string, string> = { canManage: 'CAN MANAGE', canUse: 'CAN USE' };

export function permissionWords(c: AccessCell): string {
  switch (c.permission) {
    case 'unknown':
      return `? ${t('access-unknown')}`;
    case 'none':
      return `✘ ${t('access-none')}`;
    default: {
      const level = LEVEL[c.permission] ?? c.permission;
      if (!c.via || c.via === 'direct') return `✔ ${level}`;
      // "group finance": the word "group" in the window's language.
      const via = c.via.startsWith('group ') ? t('access-group', { name: c.via.slice('group '.length) }) : c.via;
      return `✔ ${t('access-level-through', { level, via })}`;
    }
  }
}

export function scopeWords(c: AccessCell, needed: string[]): string {
  if (c.scopesCovered === null) {
    // A service principal's token: whether the app holds it to these scopes is not on record.
    if (c.missingScopes.length > 0) return `? ${t('access-scopes-unknown-needs', { scopes: c.missingScopes.join(', ') })}`;
    return `? ${t('access-scopes-unknown')}`;
  }
  if (!c.scopesCovered) return `✘ ${t('access-token-lacks', { scopes: c.missingScopes.join(', ') })}`;
  return needed.length > 0 ? `✔ ${t('access-token-has-scopes')}` : t('access-no-scopes-needed');
}

export function callWords(c: AccessCell): string {
  if (c.status !== null) {
    // A redirect is a refusal too: the Apps proxy sends a token it did not accept to sign in.
    const ok = c.status >= 200 && c.status < 300;
    const said = c.said ? ` — ${c.said}` : '';
    return `${ok ? '✔' : '✘'} ${t('access-called', { status: c.status })}${said}`;
  }
  return `✘ ${t('access-no-answer', { error: c.error ?? '' })}`;
}

/** The URL the Doctor starts from: the app at the path Check all called, else its root. */
export function doctorUrl(appUrl: string | null, path: string | null): string {
  if (!appUrl) return '';
  return `${appUrl.replace(/\/+$/, '')}${path ?? '/'}`;
}
