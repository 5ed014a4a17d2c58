import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkspacePermission } from '../../src/config/schema.js';
import type { ProviderId } from '../../src/providers/contract.js';
import { RequestService } from '../../src/service/request-service.js';
import type { GatewayRequest } from '../../src/service/types.js';
import { SessionStore } from '../../src/sessions/store.js';
import { DEFAULT_LIMITS } from '../../src/executor/execute.js';
import { workspaceRegistry } from '../../src/workspaces/registry.js';
import { tempDir } from '../helpers/env.js';

/**
 * Property: for random option combinations of every provider and random
 * workspace ceilings, no request admitted over HTTP can do more than its
 * ceiling allows. The oracle below is written from the CLIs' documented
 * semantics, independently of src/capability.
 */
const tmp = tempDir('gw-prop-');
afterAll(() => tmp.cleanup());

const TOOLS = [
  'Read',
  'Grep',
  'Glob',
  'LS',
  'TodoWrite',
  'Task',
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'Bash',
  'Bash(curl:*)',
  'Bash(git log:*)',
  'BashOutput',
  'WebFetch',
  'WebSearch',
  'mcp__srv__tool',
  'SomeFutureTool',
];

interface Grant {
  shell: boolean; // runs arbitrary programs outside any CLI sandbox
  network: boolean;
  write: boolean;
  bypass: boolean;
}

function oracle(provider: ProviderId, o: Record<string, unknown>): Grant {
  const g: Grant = { shell: false, network: false, write: false, bypass: false };
  const full = () => Object.assign(g, { shell: true, network: true, write: true, bypass: true });
  switch (provider) {
    case 'claude': {
      if (o.permissionMode === 'bypassPermissions') full();
      if (o.permissionMode === 'acceptEdits' || o.permissionMode === 'auto') g.write = true;
      for (const t of (o.allowedTools as string[] | undefined) ?? []) {
        if (/^(Bash|BashOutput)/.test(t) || t.startsWith('mcp__') || t === 'SomeFutureTool') {
          g.shell = g.network = g.write = true;
        } else if (/^(Write|Edit|MultiEdit|NotebookEdit)$/.test(t)) g.write = true;
        else if (/^Web/.test(t)) g.network = true;
      }
      break;
    }
    case 'codex':
      if (o.sandbox === 'danger-full-access') full();
      if (o.sandbox === 'workspace-write') g.write = true;
      break;
    case 'gemini':
      if (o.approvalMode === 'yolo') full();
      if (o.approvalMode === 'auto_edit') g.write = true;
      break;
    case 'mistral':
      if (o.agent === 'auto-approve') full();
      if (o.agent === undefined || o.agent === 'accept-edits') g.write = true;
      break;
    case 'grok':
      full();
  }
  return g;
}

/** What each ceiling may grant (README, "Permission ceiling"). */
function within(
  g: Grant,
  ceiling: WorkspacePermission,
  provider: ProviderId,
  o: Record<string, unknown>,
): boolean {
  if (ceiling === 'full') return true;
  if (g.shell || g.network || g.bypass) return false;
  if (ceiling === 'edits') return true;
  // read-only: nothing that writes, and only modes that ask for read-only explicitly.
  const explicit =
    (provider === 'claude' && o.permissionMode === 'plan') ||
    (provider === 'codex' && o.sandbox === 'read-only') ||
    (provider === 'gemini' && o.approvalMode === 'plan') ||
    (provider === 'mistral' && o.agent === 'plan');
  return !g.write && explicit;
}

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const requestArb = fc.oneof(
  fc.record({
    provider: fc.constant('claude' as const),
    options: fc.record(
      {
        permissionMode: opt(
          fc.constantFrom('acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'),
        ),
        allowedTools: opt(fc.subarray(TOOLS, { maxLength: 5 })),
        disallowedTools: opt(fc.subarray(TOOLS, { maxLength: 5 })),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    provider: fc.constant('codex' as const),
    options: fc.record(
      { sandbox: opt(fc.constantFrom('read-only', 'workspace-write', 'danger-full-access')) },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    provider: fc.constant('gemini' as const),
    options: fc.record(
      { approvalMode: opt(fc.constantFrom('default', 'auto_edit', 'yolo', 'plan')) },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    provider: fc.constant('mistral' as const),
    options: fc.record(
      {
        agent: opt(fc.constantFrom('default', 'plan', 'accept-edits', 'auto-approve')),
        maxTurns: opt(fc.integer({ min: 1, max: 9 })),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ provider: fc.constant('grok' as const), options: fc.constant({}) }),
);

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}

describe('property: no admitted request exceeds its workspace ceiling', () => {
  const services = Object.fromEntries(
    (['read-only', 'edits', 'full'] as const).map((ceiling) => {
      const dir = join(tmp.dir, ceiling);
      mkdirSync(dir);
      const registry = workspaceRegistry({
        default: 'w',
        w: { path: realpathSync(dir), max_permission: ceiling },
      } as never);
      const service = new RequestService({
        sessions: new SessionStore(join(tmp.dir, `home-${ceiling}`)),
        recorder: null,
        limits: DEFAULT_LIMITS,
        env: {},
        secrets: [],
        workspaces: registry,
      });
      return [ceiling, service];
    }),
  ) as Record<WorkspacePermission, RequestService>;

  it('holds for random options and ceilings, and every ceiling admits something', async () => {
    const admittedAt = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        fc.constantFrom<WorkspacePermission>('read-only', 'edits', 'full'),
        async (r, ceiling) => {
          const options = clean(r.options as Record<string, unknown>);
          const req: GatewayRequest = { provider: r.provider, prompt: 'p', options };
          const refused = await services[ceiling].admit({ id: 'http:prop', transport: 'http' }, req);
          if (refused !== undefined) {
            expect(['PERMISSION_CEILING']).toContain(refused.error?.code);
            return;
          }
          admittedAt.add(ceiling);
          expect(within(oracle(r.provider, options), ceiling, r.provider, options)).toBe(true);
        },
      ),
      { numRuns: 600 },
    );
    expect([...admittedAt].sort()).toEqual(['edits', 'full', 'read-only']);
  });
});
