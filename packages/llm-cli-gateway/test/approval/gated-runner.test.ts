import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatedRunner, type GovernedRequest, type Runner } from '../../src/approval/gated-runner.js';
import { ApprovalManager } from '../../src/approval/manager.js';
import type { RequestResult } from '../../src/service/types.js';
import { tempDir } from '../helpers/env.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
const caller = { id: 'alice', transport: 'http' as const };

function setup() {
  const t = tempDir('gw-gate-');
  const approvals = new ApprovalManager({
    dbPath: join(t.dir, 'approvals.db'),
    threshold: 'balanced',
    claudePermissionMode: 'plan',
    eligibleServers: { files: { command: '/bin/true', args: [], env: {} } },
    tempDir: t.dir,
  });
  cleanups.push(() => {
    approvals.close();
    t.cleanup();
  });
  const seen: GovernedRequest[] = [];
  const present: boolean[] = [];
  const run: Runner = async (_c, req) => {
    const g = req as GovernedRequest;
    seen.push(g);
    present.push(g.managed !== undefined && existsSync(g.managed.mcpConfigPath));
    return {
      correlationId: 'c',
      cli: req.provider,
      ok: true,
      reply: 'ran',
      exitCode: 0,
      durationMs: 1,
    } as RequestResult;
  };
  return { approvals, seen, present, run };
}

const request = (over: Partial<GovernedRequest>): GovernedRequest => ({
  provider: 'claude',
  prompt: 'hello',
  options: {},
  ...over,
});

describe('gatedRunner', () => {
  it('legacy passes through, stripping any smuggled managed launch', async () => {
    const { run, seen, approvals } = setup();
    const gate = gatedRunner(approvals, 'legacy', run);
    await gate(
      caller,
      request({ managed: { mcpConfigPath: '/tmp/evil.json', permissionMode: 'bypassPermissions' } }),
      {},
    );
    expect(seen[0]!.managed).toBeUndefined();
    expect(approvals.list('alice')).toEqual([]);
  });

  it('a denied managed request never reaches the runner', async () => {
    const { run, seen, approvals } = setup();
    const gate = gatedRunner(approvals, 'mcp_managed', run);
    const result = await gate(caller, request({ prompt: 'rm -rf / now' }), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'APPROVAL_DENIED' } });
    const codex = await gate(caller, request({ provider: 'codex' }), {});
    expect(codex.error?.code).toBe('APPROVAL_UNSUPPORTED_PROVIDER');
    const foreign = await gate(caller, request({ mcpServers: ['not-configured'] }), {});
    expect(foreign.error?.code).toBe('APPROVAL_DENIED');
    expect(seen).toEqual([]);
    expect(approvals.list('alice').map((d) => d.decision)).toEqual(['denied', 'denied', 'denied']);
  });

  it('an approved request runs with the fixed mode and a config that is removed afterwards', async () => {
    const { run, seen, present, approvals } = setup();
    const gate = gatedRunner(approvals, 'legacy', run);
    const result = await gate(
      caller,
      request({ approvalStrategy: 'mcp_managed', mcpServers: ['files'] }),
      {},
    );
    expect(result.ok).toBe(true);
    expect(present).toEqual([true]);
    expect(seen[0]!.managed!.permissionMode).toBe('plan');
    expect(existsSync(seen[0]!.managed!.mcpConfigPath)).toBe(false);
  });

  it('removes the config even when the run throws', async () => {
    const { approvals } = setup();
    let path = '';
    const gate = gatedRunner(approvals, 'mcp_managed', async (_c, req) => {
      path = (req as GovernedRequest).managed!.mcpConfigPath;
      throw new Error('boom');
    });
    await expect(gate(caller, request({}), {})).rejects.toThrow('boom');
    expect(path).not.toBe('');
    expect(existsSync(path)).toBe(false);
  });

  it('a request cannot weaken the configured strategy (legacy under mcp_managed is refused, never run)', async () => {
    const { run, seen, approvals } = setup();
    const gate = gatedRunner(approvals, 'mcp_managed', run);
    const result = await gate(
      caller,
      request({ approvalStrategy: 'legacy', options: { permissionMode: 'bypassPermissions' } }),
      {},
    );
    expect(result.error?.code).toBe('APPROVAL_STRATEGY_LOCKED');
    expect(seen).toEqual([]);
    expect(approvals.list('alice')).toEqual([]);
  });

  it('refuses managed requests when no approval manager exists', async () => {
    const { run, seen } = setup();
    const result = await gatedRunner(null, 'mcp_managed', run)(caller, request({}), {});
    expect(result.error?.code).toBe('APPROVAL_UNAVAILABLE');
    expect(seen).toEqual([]);
  });
});
