import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, screenshot, seriousA11yViolations, skipE2e, watchConsole } from './browser';
import { buildDesk } from './build';
import { startFakeApi } from './fake-api';

const skip = skipE2e();

describe.skipIf(skip)('desk pages in Chromium (canned api)', { timeout: 120_000 }, () => {
  let browser: Browser;
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  beforeAll(async () => {
    api = await startFakeApi(await buildDesk());
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  for (const [name, hash, ready] of [
    ['inbox', '#/inbox', 'text=Müller GmbH'],
    ['escalation', '#/escalations/3', 'text=Matches above the materiality'],
    ['exceptions', '#/exceptions', 'text=AMOUNT_DIFFERS'],
    ['status', '#/status', 'text=Auto-match rate'],
    ['audit', '#/audit', 'text=MATCH_PROPOSED'],
    ['calendar', '#/calendar', 'text=Overlap with'],
    ['agent', '#/agent', 'text=No runs yet.'],
  ] as const) {
    it(`renders ${name} with no serious accessibility violation`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems = watchConsole(page);
      await page.goto(`${api.url}/${hash}`);
      await page.locator(ready).first().waitFor();
      await screenshot(page, `fake-${name}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
