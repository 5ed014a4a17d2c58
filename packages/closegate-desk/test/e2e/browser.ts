/**
 * Real-browser harness: Debian's Chromium driven by playwright-core. Never
 * downloads a browser. Without /usr/bin/chromium the suite skips loudly,
 * except in CI (CI=true) where a missing browser is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, or CLOSEGATE_CHROMIUM. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLOSEGATE_CHROMIUM ?? '/usr/bin/chromium';
}

/** True when the e2e suite should be skipped (after saying so loudly). */
export function skipE2e(env: NodeJS.ProcessEnv = process.env, exists = fs.existsSync): boolean {
  const browser = chromiumPath(env);
  if (exists(browser)) return false;
  // In CI a missing browser is a failure: do not skip, let launch() fail the suite.
  if (env.CI === 'true' || env.CI === '1') return false;
  console.warn(
    `\n!!! closegate-desk e2e SKIPPED: no Chromium at ${browser}. Install it (apt-get install -y chromium); ` +
      'in CI (CI=true) this is a failure.\n',
  );
  return true;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // The service's CSP forbids inline scripts in the page, so axe is evaluated
  // through the DevTools protocol (page.evaluate), which CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<unknown> } })
      .axe;
    return (await axe.run(document, { resultTypes: ['violations'] })) as { violations: AxeViolation[] };
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
}

/** Collects console errors and CSP violations: a page that logs one fails the test. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}
