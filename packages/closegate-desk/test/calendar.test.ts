// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CalendarResponse } from '../src/api/types';
import { layoutTimeline, windowsOverlap } from '../src/lib/calendar';
import CalendarPage from '../src/pages/CalendarPage.vue';
import { fakeApi, settle } from './helpers';

const win = (entity: string, period: string, opensUtc: string, closesUtc: string) => ({
  entity,
  period,
  opensLocal: opensUtc.slice(0, 16),
  closesLocal: closesUtc.slice(0, 16),
  opensUtc,
  closesUtc,
  periodState: 'open' as const,
});

const calendar: CalendarResponse = {
  origin: 'file',
  entities: [
    { code: 'US01', timeZone: 'America/New_York' },
    { code: 'JP01', timeZone: 'Asia/Tokyo' },
    { code: 'DE01', timeZone: 'Europe/Berlin' },
  ],
  windows: [
    win('US01', '2026-01', '2026-02-01T05:00:00Z', '2026-02-05T23:00:00Z'),
    win('JP01', '2026-01', '2026-02-04T15:00:00Z', '2026-02-08T09:00:00Z'),
    win('DE01', '2026-01', '2026-02-10T00:00:00Z', '2026-02-12T00:00:00Z'),
  ],
  intercompanyPairs: [['JP01', 'US01']],
  conflicts: [{ kind: 'overlap', entities: ['US01', 'JP01'], period: '2026-01', message: 'windows overlap' }],
};

afterEach(() => vi.unstubAllGlobals());

describe('close calendar layout', () => {
  it('detects overlapping windows on the UTC axis (half-open)', () => {
    const [us, jp, de] = calendar.windows;
    expect(windowsOverlap(us!, jp!)).toBe(true);
    expect(windowsOverlap(us!, de!)).toBe(false);
    // Touching windows (one closes when the other opens) do not overlap.
    expect(windowsOverlap(us!, { opensUtc: us!.closesUtc, closesUtc: '2026-03-01T00:00:00Z' })).toBe(false);
  });

  it('places bars on one axis and labels the conflict on both windows involved', () => {
    const { bars } = layoutTimeline(calendar.entities, calendar.windows, calendar.conflicts);
    const us = bars.find((b) => b.entity === 'US01')!;
    const jp = bars.find((b) => b.entity === 'JP01')!;
    const de = bars.find((b) => b.entity === 'DE01')!;
    expect(us.left).toBe(0);
    expect(de.left + de.width).toBeCloseTo(100, 1);
    expect(jp.left).toBeGreaterThan(us.left);
    expect(us.flags).toEqual(['Overlap with JP01']);
    expect(jp.flags).toEqual(['Overlap with US01']);
    expect(de.flags).toEqual([]);
    expect(jp.timeZone).toBe('Asia/Tokyo');
  });

  it('shows an unknown conflict kind as text rather than dropping it', () => {
    const { bars } = layoutTimeline(calendar.entities, calendar.windows, [
      { kind: 'out_of_order', entities: ['DE01', 'US01'], period: '2026-01' },
      { kind: 'new_kind_of_problem', entities: ['DE01', 'JP01'], period: '2026-01' },
    ]);
    expect(bars.find((b) => b.entity === 'DE01')!.flags).toEqual([
      'Out of order with US01',
      'new kind of problem with JP01',
    ]);
  });
});

describe('CalendarPage', () => {
  it('says in words which windows conflict (not by colour alone)', async () => {
    fakeApi({ 'GET /api/calendar': () => ({ json: calendar }) });
    const wrapper = mount(CalendarPage);
    await settle();
    const rows = wrapper.findAll('tbody tr').map((r) => r.text());
    expect(rows.find((t) => t.startsWith('US01'))).toContain('Overlap with JP01');
    expect(rows.find((t) => t.startsWith('JP01'))).toContain('Overlap with US01');
    expect(rows.find((t) => t.startsWith('DE01'))).toContain('none');
    expect(wrapper.get('[data-testid="conflicts"]').text()).toContain(
      'Overlap: US01 and JP01, period 2026-01',
    );
    // Local times in each entity's own zone, with the zone named.
    expect(rows.find((t) => t.startsWith('JP01'))).toContain('Asia/Tokyo');
    // The conflicting bars carry the text too, not only a different fill.
    const conflictBars = wrapper.findAll('.bar.conflict');
    expect(conflictBars).toHaveLength(2);
    for (const bar of conflictBars) expect(bar.text()).toMatch(/Overlap with/);
  });
});
