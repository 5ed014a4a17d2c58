/**
 * The desk end to end in Debian's Chromium against the real service: engine
 * MCP server, oidc-provider, agent runner (scripted backend), startServer
 * serving the built desk. The scenarios share one book and run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, screenshot, seriousA11yViolations, skipE2e, watchConsole } from './browser';
import { buildDesk, removeDeskBuild } from './build';
import { SERVICE_TOKEN, startDeskStack, type DeskStack } from './stack';

const skip = skipE2e();
// Generous polling: on a loaded CI machine a round trip through service and engine can take seconds.
const poll = <T>(fn: () => Promise<T> | T, timeout = 30_000) => expect.poll(fn, { timeout, interval: 100 });

interface User {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

describe.skipIf(skip)('closegate desk in Chromium against the real service', { timeout: 300_000 }, () => {
  let stack: DeskStack;
  let browser: Browser;
  const users: Record<string, User> = {};
  let closeEscalation = 0;

  beforeAll(async () => {
    const dist = await buildDesk();
    stack = await startDeskStack(dist);
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    for (const u of Object.values(users)) await u.context.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
    await removeDeskBuild();
  });

  /** OIDC login through the service's /auth/login and the IdP's own login and consent forms. */
  async function login(name: string): Promise<User> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${stack.url}/`);
    await page.getByTestId('oidc-login').waitFor();
    if (name === 'alice') {
      await screenshot(page, 'login');
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
    await page.getByTestId('oidc-login').click();
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="login"]', name);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    // Consent, once per user; then the IdP sends the browser back to /auth/callback.
    await page.waitForURL((u) => u.pathname.includes('/interaction/') || u.href.startsWith(stack.url));
    if (page.url().includes('/interaction/')) await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.href.startsWith(stack.url));
    const problems = watchConsole(page);
    await poll(() => page.getByTestId('actor').textContent()).toBe(`human:${name}`);
    const user = { context, page, problems };
    users[name] = user;
    return user;
  }

  /** Every page we visit: a screenshot, no serious/critical axe violation, a clean console. */
  async function check(user: User, name: string): Promise<void> {
    await screenshot(user.page, name);
    expect(await seriousA11yViolations(user.page)).toEqual([]);
    expect(user.problems).toEqual([]);
  }

  it('logs alice in through the OIDC provider and shows the inbox', async () => {
    const { page } = await login('alice');
    await page.locator('table tbody tr a[href^="#/escalations/"]').first().waitFor();
    const rows = await page.locator('table tbody tr').count();
    expect(rows).toBeGreaterThan(5);
    await poll(() => page.locator('caption').first().textContent()).toContain('Escalations');
    await check(users.alice!, 'inbox');
  });

  it('filters and sorts the inbox on the server', async () => {
    const { page } = users.alice!;
    await page.fill('#f-clause', 'ACCOUNT_FORCED_HUMAN');
    await page.click('text=Apply filters');
    await poll(() => page.url()).toContain('clause=ACCOUNT_FORCED_HUMAN');
    await poll(async () => new Set(await page.locator('tbody td:nth-child(7)').allTextContents())).toEqual(
      new Set(['ACCOUNT_FORCED_HUMAN']),
    );
    await page.click('button.sort:has-text("Amount (USD)")');
    await poll(() => page.url()).toContain('sort=amountUsd');
    // Keyboard: the first Tab reaches "Skip to content", Enter moves focus into the page.
    await page.reload();
    await page.getByTestId('actor').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Sorting works from the keyboard too.
    await page.focus('button.sort:has-text("Age")');
    await page.keyboard.press('Enter');
    await poll(() => page.url()).toMatch(/order=asc.*sort=age|sort=age.*order=asc/);
    await page.click('text=Clear');
    await poll(() => page.url()).not.toContain('clause=');
  });

  it('opens an escalation and approves it with a rationale as human:alice', async () => {
    const { page } = users.alice!;
    const link = page.locator('a[href^="#/escalations/"]').first();
    await link.click();
    await page.getByRole('heading', { name: 'The two sides' }).waitFor();
    // Both sides, the clause with its pointer and version, the proposer, the audit events.
    expect(await page.locator('.sides table').count()).toBe(2);
    await poll(() => page.locator('.clause figcaption').first().textContent()).toMatch(/policy version/);
    expect(await page.locator('text=Audit events of this item').count()).toBe(1);
    await check(users.alice!, 'escalation');
    // No rationale, no request.
    await page.click('button:has-text("Approve")');
    await poll(() => page.locator('[role="alert"]').textContent()).toContain('rationale is required');
    await page.fill('#rationale', 'Lines agree on amount, date and reference; checked the bank statement.');
    await page.click('button:has-text("Approve")');
    await page.getByTestId('resolved').waitFor();
    await poll(() => page.locator('.kv').textContent()).toContain('human:alice');
  });

  it('shows the decision in the audit browser attributed to human:alice, and verifies the chain', async () => {
    const { page } = users.alice!;
    await page.click('nav >> text=Audit');
    await page.fill('#f-actor', 'human:alice');
    await page.click('text=Apply filters');
    await poll(() => page.url()).toContain('actor=human%3Aalice');
    await poll(async () => new Set(await page.locator('tbody code.actor').allTextContents())).toEqual(
      new Set(['human:alice']),
    );
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    const csv = await page.getByTestId('csv').getAttribute('href');
    expect(csv).toBe('/api/audit.csv?actor=human%3Aalice');
    const body = await page.evaluate(async (href) => (await fetch(href)).text(), csv!);
    expect(body.split('\n')[0]).toContain('actor');
    expect(body).toContain('human:alice');
    await page.click('text=Verify the chain');
    await poll(() => page.getByTestId('verification').textContent()).toContain('Chain intact');
    await check(users.alice!, 'audit');
  });

  it('shows recon status with two charts and the per-entity table', async () => {
    const { page } = users.alice!;
    await page.click('nav >> text=Recon status');
    await page.locator('canvas').first().waitFor();
    expect(await page.locator('canvas').count()).toBe(2);
    await poll(() => page.locator('tbody tr').count()).toBeGreaterThan(0);
    await check(users.alice!, 'status');
  });

  it('proposes a manual match from the exceptions worklist, showing the running difference', async () => {
    const { page } = users.alice!;
    await page.click('nav >> text=Exceptions');
    await page.locator('input[type="checkbox"]').first().waitFor();
    await page.check('input[aria-label^="Select line 60 "]');
    await page.check('input[aria-label^="Select line 61 "]');
    const diff = page.getByTestId('running-difference');
    await poll(() => diff.textContent()).toContain('350.00');
    await poll(() => diff.textContent()).toContain('not balanced');
    await page.fill('#mm-rationale', 'INV-4400 short payment of 350.00 accepted by the customer team.');
    await check(users.alice!, 'exceptions');
    await page.click('button:has-text("Propose manual match")');
    await poll(() => page.getByTestId('exceptions-message').textContent()).toContain('human:alice');
    // The two lines left the worklist.
    await poll(() => page.locator('input[aria-label^="Select line 60 "]').count()).toBe(0);
  });

  it('lets alice request a period close and explains why she cannot vote on it', async () => {
    const { page } = users.alice!;
    await page.click('nav >> text=Close calendar');
    await page.locator('table tbody tr').first().waitFor();
    await check(users.alice!, 'calendar');
    const request = page.locator('button:has-text("Request close of US01")').first();
    await request.click();
    const link = page.locator('a:has-text("escalation #")').first();
    await link.waitFor();
    closeEscalation = Number((await link.textContent())!.replace(/\D/g, ''));
    expect(closeEscalation).toBeGreaterThan(0);
    await link.click();
    await page.getByTestId('cannot-vote').waitFor();
    expect(await page.getByTestId('cannot-vote').textContent()).toContain('You requested this');
    expect(await page.locator('button:has-text("Approve")').isDisabled()).toBe(true);
    await check(users.alice!, 'period-close-requester');
  });

  it('closes the period after bob and carol vote', async () => {
    for (const name of ['bob', 'carol']) {
      const { page } = await login(name);
      await page.goto(`${stack.url}/#/escalations/${closeEscalation}`);
      await page.locator('#rationale').waitFor();
      await page.fill('#rationale', `${name}: the period's open items are explained.`);
      await page.click('button:has-text("Approve")');
      if (name === 'bob') {
        await page.getByTestId('votes').waitFor();
        await poll(() => page.getByTestId('votes').textContent()).toContain('human:bob');
        // bob cannot vote twice: the server says so and the desk explains it.
        await poll(() => page.getByTestId('cannot-vote').textContent()).toContain('already voted');
        await check(users.bob!, 'period-close-one-vote');
      }
    }
    const { page } = users.carol!;
    await page.getByTestId('resolved').waitFor();
    expect(await page.getByTestId('resolved').textContent()).toContain('approved');
    await page.click('nav >> text=Close calendar');
    await page.locator('table tbody tr').first().waitFor();
    const states = await page.locator('tbody tr:has(th:text-is("US01")) td:nth-child(6)').allTextContents();
    expect(states).toContain('closed');
  });

  it('starts a scripted agent run and watches it finish live', async () => {
    const { page } = users.alice!;
    await page.click('nav >> text=Agent');
    await page.click('button:has-text("Start run")');
    await poll(() => page.getByTestId('run-state').textContent(), 120_000).toMatch(
      /State: (succeeded|failed|budget_exceeded)/,
    );
    expect(await page.getByTestId('run-state').textContent()).toContain('succeeded');
    expect(await page.locator('.transcript li .kind:text-is("tool call")').count()).toBeGreaterThan(0);
    await page.locator('button:has-text("Run run_")').first().click();
    await page.getByRole('heading', { name: /Transcript of run/ }).waitFor();
    // The chat box asks the agent about the book and shows its reply.
    await page.fill('#chat-msg', 'What is still open?');
    await page.click('button:has-text("Send")');
    await poll(() => page.getByTestId('chat-log').textContent(), 120_000).toMatch(/Agent \(run \S+\):/);
    await check(users.alice!, 'agent');
  });

  it('never lets the llm identity approve an llm-proposed match', async () => {
    // The agent's own engine connection (actor bound by the transport) proposes...
    const proposed = await stack.llm.callTool('propose_match', {
      entry_ids: [58, 59],
      rationale: 'fee and cheque on the same account (e2e: an llm proposal)',
      idempotency_key: 'desk-e2e-llm-propose',
    });
    expect(proposed.isError, proposed.text).toBe(false);
    const matchId = (proposed.json as { matchId?: number; match_id?: number }).matchId;
    expect(matchId).toBeGreaterThan(0);
    // ...and cannot confirm its own proposal: the gate refuses it with a clause.
    const confirm = await stack.llm.callTool('confirm_match', {
      match_id: matchId,
      rationale: 'looks fine',
      idempotency_key: 'desk-e2e-llm-confirm',
    });
    const refusal = confirm.json as { outcome: string; clause?: { code: string } };
    expect(refusal.outcome).toBe('deny');
    expect(refusal.clause?.code).toBe('SOD_SAME_ACTOR');
    // Through /api the llm has no way in: the service token and an actor header are not a session.
    const attempts: [Record<string, string>, number, string][] = [
      [
        { authorization: `Bearer ${SERVICE_TOKEN}`, 'x-actor-id': 'llm:recon-operator' },
        403,
        'CSRF_REJECTED',
      ],
      [
        { authorization: `Bearer ${SERVICE_TOKEN}`, 'x-actor-id': 'llm:recon-operator', origin: stack.url },
        401,
        'UNAUTHENTICATED',
      ],
    ];
    for (const [headers, status, code] of attempts) {
      const res = await fetch(`${stack.url}/api/escalations/1/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ rationale: 'I am the agent' }),
      });
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    // The match is still only proposed, as alice's desk session sees it.
    const { page } = users.alice!;
    const state = await page.evaluate(async (id) => {
      const res = await fetch(`/api/matches/${id}`);
      return ((await res.json()) as { state: string; proposedBy: string }).state;
    }, matchId!);
    expect(state).toBe('proposed');
  });

  it('signs out: the session ends on the server and the login page returns', async () => {
    const { page } = users.carol!;
    await page.click('button:has-text("Sign out")');
    await page.getByTestId('oidc-login').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(status).toBe(401);
  });
});
