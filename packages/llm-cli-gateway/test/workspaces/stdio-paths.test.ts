import { renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText, resolveConfig } from '../../src/config/file.js';
import { createGateway } from '../../src/gateway.js';
import type { GatewayRequest } from '../../src/service/types.js';
import { confine, isWithin } from '../../src/workspaces/confine.js';
import { workspaceRegistry } from '../../src/workspaces/registry.js';
import { ALICE } from '../helpers/gateway.js';
import { fakeEnv, tempDir } from '../helpers/env.js';
import { markerLines, workspacesToml, workspaceTree } from './helpers.js';

function gatewayWith(toml: string) {
  const t = tempDir('gw-ws-stdio-');
  const marker = join(t.dir, 'marker');
  const env = fakeEnv(t.dir, { FAKE_CLI_MODE: 'echo-argv', FAKE_CLI_MARKER: marker });
  const config = resolveConfig(parseConfigText(toml), env, { path: '(test)', exists: false });
  const gateway = createGateway({ env, config, limits: { killGraceMs: 300 } });
  return {
    gateway,
    marker,
    close: async () => {
      await gateway.close();
      t.cleanup();
    },
  };
}

const cwdOf = (reply: string) => (JSON.parse(reply) as { cwd: string }).cwd;

describe('stdio callers keep machine-local paths', () => {
  it('absolute paths as before; relative ones against the workspace with the same escape checks', async () => {
    const tree = workspaceTree();
    const g = gatewayWith(workspacesToml(tree));
    const run = (extra: Partial<GatewayRequest>) =>
      g.gateway.service.run(ALICE, { provider: 'gemini', prompt: 'hi', options: {}, ...extra });
    try {
      expect(cwdOf((await run({ workingDir: tree.outside })).reply)).toBe(tree.outside);
      expect(cwdOf((await run({ workingDir: 'sub', workspace: 'a' })).reply)).toBe(join(tree.a, 'sub'));
      expect(cwdOf((await run({ workspace: 'a' })).reply)).toBe(tree.a);
      const spawned = markerLines(g.marker).length;
      // No workspace named and no default: a relative path is never resolved against the gateway's cwd.
      expect((await run({ workingDir: 'sub' })).error?.code).toBe('BAD_WORKING_DIR');
      for (const workingDir of ['..', '../outside', 'escape-link', 'sub/../../b', tree.outside, 'a\0b']) {
        expect((await run({ workingDir, workspace: 'a' })).error?.code).toBe('WORKSPACE_ESCAPE');
      }
      expect(markerLines(g.marker).length).toBe(spawned);
    } finally {
      await g.close();
      tree.cleanup();
    }
  });

  it('a relative path uses [workspaces] default when set', async () => {
    const tree = workspaceTree();
    const g = gatewayWith(workspacesToml(tree, { defaultAlias: 'a' }));
    try {
      const r = await g.gateway.service.run(ALICE, {
        provider: 'codex',
        prompt: 'hi',
        options: {},
        workingDir: 'sub',
      });
      expect(cwdOf(r.reply)).toBe(join(tree.a, 'sub'));
    } finally {
      await g.close();
      tree.cleanup();
    }
  });
});

describe('confine', () => {
  it('decides containment on resolved paths, not string prefixes', () => {
    expect(isWithin('/srv/app', '/srv/app')).toBe(true);
    expect(isWithin('/srv/app', '/srv/app/x/y')).toBe(true);
    expect(isWithin('/srv/app', '/srv/app2')).toBe(false);
    expect(isWithin('/srv/app', '/srv')).toBe(false);
    expect(isWithin('/srv/app', '/srv/app/..x')).toBe(true);
  });

  it('refuses a workspace whose directory was replaced (e.g. by a symlink) after start-up', () => {
    const tree = workspaceTree();
    try {
      const reg = workspaceRegistry(parseConfigText(workspacesToml(tree)).workspaces);
      const input = {
        transport: 'http',
        provider: 'claude',
        workspace: 'a',
        permissionLevel: 'default',
      } as const;
      expect(confine(reg, input)).toEqual({ workspace: 'a', workingDir: tree.a });
      renameSync(tree.a, join(tree.root, 'moved'));
      symlinkSync(tree.outside, tree.a);
      expect(() => confine(reg, input)).toThrow(/missing or was replaced/);
    } finally {
      tree.cleanup();
    }
  });
});

describe('ceiling against an approved managed launch', () => {
  it('checks the mode the gate fixes, not the one the request asked for', async () => {
    const tree = workspaceTree();
    const g = gatewayWith(
      `[approval]\nstrategy = "mcp_managed"\nclaude_permission_mode = "acceptEdits"\n\n` +
        `[workspaces.ro]\npath = "${tree.a}"\nmax_permission = "read-only"\n`,
    );
    try {
      const asked = { provider: 'claude', prompt: 'summarise the repo', workspace: 'ro' } as const;
      const outcome = await g.gateway.plane.runSync(ALICE, { ...asked, options: { permissionMode: 'plan' } });
      expect(outcome.kind === 'result' && outcome.result.error?.code).toBe('PERMISSION_CEILING');
      expect(markerLines(g.marker)).toEqual([]);
    } finally {
      await g.close();
      tree.cleanup();
    }
  });
});

describe('refusal comes before the slot', () => {
  it('a confined-out request is refused at once even when every slot is taken and the queue is full', async () => {
    const tree = workspaceTree();
    const g = gatewayWith(`[limits]\nmax_concurrent = 1\nmax_queue = 0\n\n${workspacesToml(tree)}`);
    try {
      const slot = await g.gateway.plane.scheduler.acquire('claude');
      const http = { id: 'http:alice', transport: 'http' } as const;
      const refused = await g.gateway.plane.runSync(http, {
        provider: 'claude',
        prompt: 'hi',
        options: {},
        workspace: 'a',
        workingDir: '../outside',
      });
      expect(refused.kind === 'result' && refused.result.error?.code).toBe('WORKSPACE_ESCAPE');
      // The same request inside the workspace waits for a slot: with a full queue it is saturated.
      const admitted = g.gateway.plane.runSync(http, {
        provider: 'claude',
        prompt: 'hi',
        options: {},
        workspace: 'a',
      });
      await expect(admitted).rejects.toMatchObject({ code: 'GATEWAY_SATURATED' });
      slot.release();
    } finally {
      await g.close();
      tree.cleanup();
    }
  });
});
