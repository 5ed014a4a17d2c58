// First page load of the built desk in headless Chromium (Debian's, via playwright-core; never a
// downloaded browser). Each run is cold: a new browser context (empty HTTP cache, no service
// worker) carrying only the reviewer's session cookie, so the figures are the inbox as a logged-in
// reviewer first sees it. Bytes are what Chromium reports as received (CDP Network.loadingFinished
// encodedDataLength: headers plus the body as sent on the wire); time to interactive runs from the
// navigation start (performance.timeOrigin) to the first inbox row link rendered and focused.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { latencyStats } from './stats.js';

/** The desk's inbox: the first escalation link in the table body (InboxPage.vue). */
export const INBOX_READY_SELECTOR = 'table tbody tr a[href^="#/escalations/"]';

export const DESK_DIST = fileURLToPath(new URL('../../packages/closegate-desk/dist/', import.meta.url));

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLOSEGATE_CHROMIUM ?? '/usr/bin/chromium';
}

/** The built desk (dist/index.html); builds it with the package's vite config when missing. */
export async function ensureDeskBuild(dist = DESK_DIST): Promise<string> {
  if (existsSync(join(dist, 'index.html'))) return dist;
  console.error('desk bench: no desk build, building it (npm run build -w closegate-desk) ...');
  const { build } = await import('vite');
  await build({
    configFile: fileURLToPath(new URL('../../packages/closegate-desk/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  });
  return dist;
}

export interface PageLoadRun {
  ttiMs: number;
  bytes: number;
  requests: number;
  apiBytes: number;
}

export interface PageLoadFigures {
  runs: number;
  ttiMs: ReturnType<typeof latencyStats>;
  bytes: { p50: number; min: number; max: number };
  apiBytesP50: number;
  requestsP50: number;
  selector: string;
  method: string;
}

async function launch(): Promise<Browser> {
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

/**
 * In-page script: resolves with performance.now() once the inbox's first row link exists and takes
 * focus. A string, not a function: tsx's keep-names helper (__name) does not exist in the page.
 */
function waitForInbox(selector: string): string {
  return `new Promise((resolve) => {
    const tick = () => {
      const link = document.querySelector(${JSON.stringify(selector)});
      if (link !== null) {
        link.focus();
        if (document.activeElement === link) return resolve(performance.now());
      }
      requestAnimationFrame(tick);
    };
    tick();
  })`;
}

async function coldLoad(
  browser: Browser,
  url: string,
  cookie: { name: string; value: string },
): Promise<PageLoadRun> {
  const context = await browser.newContext();
  try {
    await context.addCookies([{ name: cookie.name, value: cookie.value, url }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const apiRequests = new Set<string>();
    let bytes = 0;
    let apiBytes = 0;
    let requests = 0;
    cdp.on('Network.requestWillBeSent', (e) => {
      if (new URL(e.request.url).pathname.startsWith('/api/')) apiRequests.add(e.requestId);
    });
    cdp.on('Network.loadingFinished', (e) => {
      requests++;
      bytes += e.encodedDataLength;
      if (apiRequests.has(e.requestId)) apiBytes += e.encodedDataLength;
    });
    await page.goto(`${url}/`, { waitUntil: 'commit' });
    // Polled in the page on each frame, so the time is the page's own clock (no round trip);
    // page.evaluate runs over the DevTools protocol, which the service's CSP does not govern.
    const ttiMs = (await page.evaluate(waitForInbox(INBOX_READY_SELECTOR))) as number;
    // Let in-flight responses finish so their bytes count (the load event and an idle network).
    await page.waitForLoadState('networkidle');
    return { ttiMs, bytes, requests, apiBytes };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.ceil(s.length / 2) - 1]!;
};

/**
 * Measures `runs` cold loads of the desk at `url`; null (after saying why) when there is no Chromium.
 * `cookie` is a logged-in session ("name=value").
 */
export async function measureDeskPageLoad(
  url: string,
  cookie: string,
  runs: number,
): Promise<PageLoadFigures | null> {
  const exe = chromiumPath();
  if (!existsSync(exe)) {
    console.error(
      `desk bench: page load SKIPPED: no Chromium at ${exe} (apt-get install -y chromium, or set CLOSEGATE_CHROMIUM)`,
    );
    return null;
  }
  const eq = cookie.indexOf('=');
  const session = { name: cookie.slice(0, eq), value: cookie.slice(eq + 1) };
  const browser = await launch();
  try {
    await coldLoad(browser, url, session); // warm-up: browser process start-up, server JIT
    const all: PageLoadRun[] = [];
    for (let i = 0; i < runs; i++) all.push(await coldLoad(browser, url, session));
    const bytes = all.map((r) => r.bytes);
    return {
      runs,
      ttiMs: latencyStats(all.map((r) => r.ttiMs)),
      bytes: { p50: median(bytes), min: Math.min(...bytes), max: Math.max(...bytes) },
      apiBytesP50: median(all.map((r) => r.apiBytes)),
      requestsP50: median(all.map((r) => r.requests)),
      selector: INBOX_READY_SELECTOR,
      method: `cold loads (new browser context each, session cookie only) of the built desk served by the agent service in headless ${exe}; bytes = sum of CDP Network.loadingFinished encodedDataLength (headers + wire body, all requests incl. /api); tti = performance.timeOrigin -> first inbox row link rendered and focused (one warm-up load excluded)`,
    };
  } finally {
    await browser.close();
  }
}
