// The command palette's search: every place and thing the window can go to (views, apps,
// endpoints, history entries, connections), found by typing any words of it, in any order
// and case. Kept apart from the component so it is tested without a window.

export type PaletteItem = {
  /** What kind of thing it is, in the window's language (View, App, …). */
  kind: string;
  label: string;
  /** More words that find it (a URL, a method, a shortcut). */
  detail?: string;
  run: () => void;
};

/** The items every typed word is found in (label, detail or kind), best first: those whose
 * label starts with the first word, then the rest in their order. At most `limit`. */
export function search(items: PaletteItem[], query: string, limit = 50): PaletteItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items.slice(0, limit);
  const found = items.filter((item) => {
    const hay = `${item.label} ${item.detail ?? ''} ${item.kind}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const first = words[0]!;
  const starts = found.filter((i) => i.label.toLowerCase().startsWith(first));
  const rest = found.filter((i) => !i.label.toLowerCase().startsWith(first));
  return [...starts, ...rest].slice(0, limit);
}

/** The views and their shortcuts (Alt+letter), in the order the sidebar shows them. */
export const VIEWS = [
  { view: 'guide', key: 'g', label: 'nav-guide' },
  { view: 'work', key: 'w', label: 'nav-workbench' },
  { view: 'matrix', key: 'm', label: 'nav-matrix' },
  { view: 'access', key: 'a', label: 'nav-access' },
  { view: 'checks', key: 'c', label: 'nav-checks' },
  { view: 'doctor', key: 'd', label: 'nav-doctor' },
  { view: 'settings', key: 's', label: 'nav-settings' },
] as const;

export type ViewName = (typeof VIEWS)[number]['view'];

/** The view an Alt+key shortcut opens, if any. */
export function viewForKey(key: string): ViewName | null {
  return VIEWS.find((v) => v.key === key.toLowerCase())?.view ?? null;
}
