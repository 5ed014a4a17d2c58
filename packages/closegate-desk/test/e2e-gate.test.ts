import { describe, expect, it, vi } from 'vitest';
import { chromiumPath, skipE2e } from './e2e/browser';

describe('the e2e browser gate', () => {
  const absent = () => false;
  const present = () => true;

  it('runs when Chromium is there', () => {
    expect(skipE2e({}, present)).toBe(false);
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CLOSEGATE_CHROMIUM: '/opt/c' })).toBe('/opt/c');
  });

  it('skips loudly without Chromium outside CI', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(skipE2e({}, absent)).toBe(true);
    expect(warn.mock.calls[0]?.[0]).toMatch(/SKIPPED: no Chromium at \/usr\/bin\/chromium/);
    warn.mockRestore();
  });

  it('never skips in CI: a missing browser must fail the suite', () => {
    expect(skipE2e({ CI: 'true' }, absent)).toBe(false);
    expect(skipE2e({ CI: '1' }, absent)).toBe(false);
  });
});
