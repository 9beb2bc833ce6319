import { describe, expect, it } from 'vitest';
import { layout, matchStatus, MAX_SCROLL_PX, scrollFor, wanted } from './rows';

describe('windowed rows', () => {
  it('maps scrolling to rows one to one while the area is not too tall', () => {
    expect(layout(1000, 20, 200, 0)).toEqual({ height: 20000, first: 0, visible: 11, top: 0 });
    expect(layout(1000, 20, 200, 415)).toEqual({ height: 20000, first: 20, visible: 11, top: 400 });
    expect(scrollFor(500, 1000, 20, 300)).toBe((500 - 5) * 20);
  });

  it('maps proportionally past the tallest area, reaching the last row at the bottom', () => {
    const total = 2_000_000;
    const end = layout(total, 18, 540, MAX_SCROLL_PX - 540);
    expect(end.height).toBe(MAX_SCROLL_PX);
    expect(end.first + end.visible - 1).toBe(total);
    expect(layout(total, 18, 540, 0).first).toBe(0);
    const row = 1_234_567;
    const at = layout(total, 18, 540, scrollFor(row, total, 18, 540));
    expect(Math.abs(at.first - (row - 10))).toBeLessThanOrEqual(2);
  });

  it('asks for rows only when the view leaves what is held', () => {
    expect(wanted(0, 10, null, 100)).toEqual({ from: 0, count: 30 });
    expect(wanted(5, 10, { from: 0, count: 30 }, 100)).toBeNull();
    expect(wanted(25, 10, { from: 0, count: 30 }, 100)).toEqual({ from: 15, count: 30 });
    expect(wanted(95, 10, { from: 85, count: 15 }, 100)).toBeNull();
  });

  it('says where a search is', () => {
    expect(matchStatus(null, 0, false)).toBe('No match');
    expect(matchStatus(2, 120, false)).toBe('3 of 120');
    expect(matchStatus(0, 10000, true)).toBe('1 of 10,000+');
  });
});
