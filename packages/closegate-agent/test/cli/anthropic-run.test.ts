import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/agent/types.js';
import { main } from '../../src/cli/main.js';
import { openAgentStore } from '../../src/store/sqlite-store.js';
import {
  removeTempDirs,
  seededDb,
  SERVICE_TOKEN,
  startEngineHttp,
  tempDir,
  toolCallEvents,
  type EngineServer,
} from '../agent/helpers.js';
import { fakeMessagesApi, message, toolUse, type Seen } from '../llm/fake-messages-api.js';

const KEY = 'sk-ant-cli-dummy-key-0123456789abcdef';

let db: string;
let engine: EngineServer;
beforeAll(async () => {
  db = seededDb();
  engine = await startEngineHttp(db);
});
afterAll(async () => {
  await engine?.close();
  removeTempDirs();
});

const lastJson = (seen: Seen[]) => {
  const block = seen
    .at(-1)!
    .body.messages.at(-1)!
    .content.find((c) => c.type === 'tool_result')!;
  return JSON.parse(block.content!.split('\n')[0]!) as Record<string, unknown>;
};

describe('closegate-agent run --backend anthropic --engine-url (fake Messages API, engine over HTTP)', () => {
  it('runs the pass, proposes, is denied its self-confirm, and reports it', async () => {
    let proposed = 0;
    const api = await fakeMessagesApi((seen) => {
      switch (seen.length) {
        case 1:
          return toolUse('run_recon_pass', {});
        case 2:
          return toolUse('propose_match', {
            entry_ids: [60, 61],
            rationale: 'INV-4400: same reference and date',
          });
        case 3:
          proposed = lastJson(seen).matchId as number;
          return toolUse('confirm_match', { match_id: proposed });
        default:
          return message(
            [{ type: 'text', text: 'Proposed one match; the gate refused my confirmation.' }],
            'end_turn',
          );
      }
    });
    const dir = tempDir();
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await main(
        [
          'run',
          '--task',
          'reconcile the demo book',
          '--backend',
          'anthropic',
          '--base-url',
          api.url,
          '--model',
          'claude-cli-test',
          '--engine-url',
          engine.url,
          '--agent-db',
          path.join(dir, 'agent.db'),
        ],
        {
          out: (t) => out.push(t),
          err: (t) => err.push(t),
          env: { ANTHROPIC_API_KEY: KEY, CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN },
        },
      );
      expect(err.join('\n')).not.toContain('closegate-agent:');
      expect(code).toBe(0);
      const text = out.join('\n');
      expect(text).toContain('backend anthropic (claude-cli-test), engine actor llm:recon-operator');
      expect(text).toMatch(
        /recon pass \(engine run \d+\): proposed 71, auto-confirmed 55, escalated by the gate 16/,
      );
      // without a look first, the memo line is matched by the pass: 4 escalations on account 1030
      expect(text).toContain('4 x ACCOUNT_FORCED_HUMAN');
      expect(text).toContain(`match ${proposed} lines 60, 61: INV-4400`);
      expect(text).toContain(`confirm_match match ${proposed} SOD_SAME_ACTOR`);
      expect(api.seen).toHaveLength(4);
      expect(api.seen[0]!.body.model).toBe('claude-cli-test');
      // header-trust from the environment: every call audited as the agent
      const actors = new Set(toolCallEvents(db).map((e) => e.actor));
      expect(actors).toEqual(new Set(['llm:recon-operator']));
      const store = openAgentStore(path.join(dir, 'agent.db'));
      try {
        const [run] = store.listRuns() as [RunRecord];
        expect(run.report!.denied).toEqual([
          expect.objectContaining({ code: 'SOD_SAME_ACTOR', matchId: proposed }),
        ]);
        const raw = JSON.stringify(store.getTranscript(run.id));
        expect(raw).not.toContain(KEY);
        expect(raw).not.toContain(SERVICE_TOKEN);
      } finally {
        store.close();
      }
    } finally {
      await api.close();
    }
  });

  it('without a credential the engine refuses the connection', async () => {
    const err: string[] = [];
    const code = await main(
      ['run', '--task', 'x', '--engine-url', engine.url, '--agent-db', path.join(tempDir(), 'a.db')],
      { out: () => undefined, err: (t) => err.push(t), env: {} },
    );
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('ENGINE_UNAVAILABLE');
  });
});
