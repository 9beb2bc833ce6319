// The access view's cells in words, with their icons (never colour alone).
import type { AccessCell } from './bindings';

const LEVEL: Record<string, string> = { canManage: 'CAN MANAGE', canUse: 'CAN USE' };

export function permissionWords(c: AccessCell): string {
  switch (c.permission) {
    case 'unknown':
      return "? unknown — ask one of the app's managers";
    case 'none':
      return '✘ no permission';
    default: {
      const through = c.via && c.via !== 'direct' ? ` (through ${c.via})` : '';
      return `✔ ${LEVEL[c.permission]}${through}`;
    }
  }
}

export function scopeWords(c: AccessCell, needed: string[]): string {
  if (c.scopesCovered === null) return '? scopes unknown';
  if (!c.scopesCovered) return `✘ token lacks ${c.missingScopes.join(', ')}`;
  return needed.length > 0 ? '✔ token has its scopes' : 'no scopes needed';
}

export function callWords(c: AccessCell): string {
  if (c.status !== null) return `${c.status < 400 ? '✔' : '✘'} called: ${c.status}`;
  return `✘ no answer: ${c.error ?? ''}`;
}

/** The URL the Doctor starts from: the app at the path Check all called, else its root. */
export function doctorUrl(appUrl: string | null, path: string | null): string {
  if (!appUrl) return '';
  return `${appUrl.replace(/\/+$/, '')}${path ?? '/'}`;
}
