import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, oidcLogin, startStack, tempDir, type Api, type Stack } from './helpers.js';

/**
 * GET /api/escalations/:id says how many approvals the engine's gate needs,
 * from the policy the engine runs (here required_approvals: 3), and the gate
 * indeed closes the period at the third distinct human, not the second.
 */

const EXAMPLE_POLICY = fileURLToPath(
  new URL('../../../closegate-policy/examples/policy.yaml', import.meta.url),
);

let dir: string;
let stack: Stack;
const users: Record<string, Api> = {};

async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}

beforeAll(async () => {
  dir = tempDir();
  const policyPath = path.join(dir, 'policy-3.yaml');
  const text = fs.readFileSync(EXAMPLE_POLICY, 'utf8');
  expect(text).toContain('required_approvals: 2');
  fs.writeFileSync(policyPath, text.replace('required_approvals: 2', 'required_approvals: 3'));
  stack = await startStack({}, {}, { policyPath });
  for (const name of ['alice', 'bob', 'carol', 'dave'])
    users[name] = await apiAs(stack.service.url, (await oidcLogin(stack.service.url, name)).jar);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('votes required through /api follow the engine policy', () => {
  it('a period close under required_approvals: 3 shows 3 and closes at the third human', async () => {
    const req = await json<{ status: string; escalationId: number }>(
      await users.alice!.post('/api/periods/close-request', { entity: 'IN01', period: '2026-03' }),
    );
    expect(req.status).toBe('close_requested');
    const id = req.escalationId;
    const detail = await json<{ votesRequired: number }>(await users.bob!.get(`/api/escalations/${id}`));
    expect(detail.votesRequired).toBe(3);
    const statuses: string[] = [];
    for (const name of ['bob', 'carol', 'dave']) {
      const r = await json<{ status: string }>(
        await users[name]!.post(`/api/escalations/${id}/approve`, { rationale: 'tied out' }),
      );
      statuses.push(r.status);
    }
    // the gate's count and the view's count agree: closed exactly at votesRequired
    expect(statuses.indexOf('closed') + 1).toBe(detail.votesRequired);
    expect(statuses).toEqual(['vote_recorded', 'vote_recorded', 'closed']);
  });

  it('a match escalation shows one approval', async () => {
    const inbox = await json<{ rows: { id: number; subjectKind: string }[] }>(
      await users.bob!.get('/api/escalations?sort=id&order=asc&pageSize=5'),
    );
    const id = inbox.rows.find((r) => r.subjectKind === 'match')!.id;
    expect(await json(await users.bob!.get(`/api/escalations/${id}`))).toMatchObject({ votesRequired: 1 });
  });
});
