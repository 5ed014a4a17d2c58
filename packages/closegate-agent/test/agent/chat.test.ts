import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentRunner } from '../../src/agent/runner.js';
import type { RunEvent } from '../../src/agent/types.js';
import { fnBackend, harness, removeTempDirs, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
  removeTempDirs();
});

describe('chat and run events', () => {
  it('chat answers from read-only tools, with the history in alternating roles', async () => {
    const backend = fnBackend((_req, turn) =>
      turn === 0
        ? { content: [{ type: 'tool_use', id: 's', name: 'get_recon_status', input: {} }] }
        : { content: [{ type: 'text', text: '154 lines are unmatched.' }] },
    );
    const runner = createAgentRunner({ engine: h.engine, store: h.store, backend });
    const res = await runner.chat({
      message: 'how many lines are open?',
      history: [
        { role: 'assistant', text: 'hello' }, // dropped: a conversation starts with the user
        { role: 'user', text: 'hi' },
        { role: 'user', text: 'are you there?' },
        { role: 'assistant', text: 'yes' },
      ],
      requestedBy: 'human:alice',
    });
    expect(res).toMatchObject({ status: 'succeeded', reply: '154 lines are unmatched.' });
    const first = backend.requests[0]!;
    expect(first.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(first.messages[0]!.content).toHaveLength(2);
    const offered = first.tools.map((t) => t.name);
    expect(offered).toContain('get_recon_status');
    for (const name of ['propose_match', 'confirm_match', 'run_recon_pass', 'flag_exception'])
      expect(offered).not.toContain(name);
    expect(runner.getRun(res.runId)).toMatchObject({ kind: 'chat', requestedBy: 'human:alice' });
  });

  it('a late subscriber gets the run from its start; events come in order', async () => {
    const backend = fnBackend((_req, turn) =>
      turn === 0
        ? { content: [{ type: 'tool_use', id: 'x', name: 'list_exceptions', input: {} }] }
        : { content: [{ type: 'text', text: 'ok' }] },
    );
    const runner = createAgentRunner({ engine: h.engine, store: h.store, backend });
    const handle = runner.startRun({ task: 'look', requestedBy: 'cron' });
    await handle.done;
    const seen: RunEvent['type'][] = [];
    runner.subscribe(handle.runId, (e) => seen.push(e.type));
    expect(seen).toEqual(['run.started', 'turn', 'tool_call', 'tool_result', 'turn', 'run.finished']);
    expect(runner.listRuns({ limit: 1 })[0]!.id).toBe(handle.runId);
    expect(() => runner.startRun({ task: '  ', requestedBy: 'cron' })).toThrow(/non-empty/);
  });
});
