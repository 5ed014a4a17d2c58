import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { tempDir } from '../helpers/env.js';
import { markerLines } from '../workspaces/helpers.js';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  startHttpGateway,
  TWO_PRINCIPALS,
  type HttpGateway,
} from '../http/http-gateway.js';
import { call } from './helpers.js';

/**
 * Bypass 3: `continueLast` (claude --continue) and gemini `--resume latest`
 * continue "the most recent conversation in this directory", which in a
 * shared workspace may be another principal's.
 */
let gw: HttpGateway;
let alice: Client;
let bob: Client;
let marker: string;
const dirs = tempDir('gw-resume-');

beforeAll(async () => {
  const shared = join(dirs.dir, 'shared');
  const mine = join(dirs.dir, 'mine');
  for (const d of [shared, mine]) mkdirSync(d, { mode: 0o700 });
  gw = await startHttpGateway(
    `${TWO_PRINCIPALS}
[workspaces]
default = "shared"

[workspaces.shared]
path = "${realpathSync(shared)}"

[workspaces.mine]
path = "${realpathSync(mine)}"
owner = "alice"
`,
    { FAKE_CLI_MODE: 'echo-argv' },
  );
  marker = join(gw.dir, 'marker');
  gw.env.FAKE_CLI_MARKER = marker;
  alice = await gw.connect(ALICE_TOKEN);
  bob = await gw.connect(BOB_TOKEN);
});
afterAll(async () => {
  await gw?.close();
  dirs.cleanup();
});

describe('resume over HTTP only by explicit ids the caller owns', () => {
  it('refuses continueLast and "latest"/index forms in a shared workspace, naming the fix, before spawn', async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['claude_request', { prompt: 'go on', continueLast: true }],
      ['claude_request_async', { prompt: 'go on', continueLast: true }],
      ['gemini_request', { prompt: 'go on', providerSessionId: 'latest' }],
      ['gemini_request', { prompt: 'go on', providerSessionId: '1' }],
      ['mistral_request', { prompt: 'go on', providerSessionId: 'last' }],
    ];
    for (const [name, args] of attempts) {
      const r = await call(bob, name, args);
      expect(r.code, name).toBe('SESSION_NOT_OWNED');
      expect(r.message).toContain('private');
    }
    expect(markerLines(marker)).toEqual([]);
  });

  it("refuses another principal's provider session id, and resumes the caller's own", async () => {
    const first = await call(alice, 'claude_request', { prompt: 'start' });
    expect(first.code).toBe('OK');
    const id = String(first.body!.providerSessionId);
    const stolen = await call(bob, 'claude_request', {
      prompt: 'what did alice say?',
      providerSessionId: id,
    });
    expect(stolen.code).toBe('SESSION_NOT_OWNED');
    const spawned = markerLines(marker).length;
    const own = await call(alice, 'claude_request', { prompt: 'go on', providerSessionId: id });
    expect(own.code).toBe('OK');
    expect(JSON.parse(String(own.body!.reply)).argv).toContain(`--resume=${id}`);
    expect(markerLines(marker)).toHaveLength(spawned + 1);
  });

  it('admits continueLast in a workspace private to the caller, and only for that caller', async () => {
    const ok = await call(alice, 'claude_request', {
      prompt: 'go on',
      continueLast: true,
      workspace: 'mine',
    });
    expect(ok.code).toBe('OK');
    expect(JSON.parse(String(ok.body!.reply)).argv).toContain('--continue');
    const other = await call(bob, 'claude_request', {
      prompt: 'go on',
      continueLast: true,
      workspace: 'mine',
    });
    expect(other.code).toBe('SESSION_NOT_OWNED');
  });
});
