import { num, t } from './i18n.svelte';
// Windowed rows: a body of any size is drawn as the few rows on screen. The core holds
// the body and answers for rows by number; this module only maps scrolling to rows.

/** The tallest scroll area used; longer bodies map scroll position to rows proportionally. */
export const MAX_SCROLL_PX = 4_000_000;

export type Layout = {
  /** Height of the scroll area's content. */
  height: number;
  /** The first row on screen, and how many rows fit. */
  first: number;
  visible: number;
  /** Where the drawn rows go in the scroll area. */
  top: number;
};

export function layout(total: number, rowHeight: number, viewHeight: number, scrollTop: number): Layout {
  const full = total * rowHeight;
  const visible = Math.max(1, Math.ceil(viewHeight / rowHeight) + 1);
  if (full <= MAX_SCROLL_PX) {
    const first = Math.max(0, Math.min(Math.floor(scrollTop / rowHeight), Math.max(0, total - 1)));
    return { height: full, first, visible, top: first * rowHeight };
  }
  const height = MAX_SCROLL_PX;
  const range = Math.max(1, height - viewHeight);
  const fraction = Math.min(1, Math.max(0, scrollTop / range));
  const lastFirst = Math.max(0, total - visible + 1);
  return { height, first: Math.round(fraction * lastFirst), visible, top: Math.min(scrollTop, height - viewHeight) };
}

/** The scroll position that shows `row` near the top third of the view. */
export function scrollFor(row: number, total: number, rowHeight: number, viewHeight: number): number {
  const lead = Math.floor(viewHeight / rowHeight / 3);
  const target = Math.max(0, row - lead);
  const full = total * rowHeight;
  if (full <= MAX_SCROLL_PX) return target * rowHeight;
  const visible = Math.ceil(viewHeight / rowHeight) + 1;
  const lastFirst = Math.max(1, total - visible + 1);
  return (Math.min(target, lastFirst) / lastFirst) * Math.max(1, MAX_SCROLL_PX - viewHeight);
}

/** Rows fetched around the view: the range to ask for when `first..first+visible` is not held. */
export function wanted(first: number, visible: number, held: { from: number; count: number } | null, total: number) {
  const end = Math.min(first + visible, total);
  if (held && first >= held.from && end <= held.from + held.count) return null;
  const from = Math.max(0, first - visible);
  return { from, count: visible * 3 };
}

/** "3 of 120", "1 of 10,000+", or "No match". */
export function matchStatus(index: number | null, total: number, more: boolean): string {
  if (index === null || total === 0) return t('body-no-match');
  return t('body-match', { n: num(index + 1), total: `${num(total)}${more ? '+' : ''}` });
}
