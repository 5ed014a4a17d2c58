import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/agent/types.js';
import { createAgentRunner } from '../../src/agent/runner.js';
import type { LlmBackend } from '../../src/llm/types.js';
import { fnBackend, harness, removeTempDirs, toolCallEvents, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
  removeTempDirs();
});

/** A model that never stops asking for the status. */
const looping = (callsPerTurn = 1, tokens = 10) =>
  fnBackend((_req, turn) => ({
    content: Array.from({ length: callsPerTurn }, (_, i) => ({
      type: 'tool_use' as const,
      id: `t${turn}_${i}`,
      name: 'get_recon_status',
      input: {},
    })),
    usage: { inputTokens: tokens, outputTokens: tokens },
  }));

async function runWithEvents(backend: LlmBackend, budgets: Record<string, number>, now?: () => Date) {
  const runner = createAgentRunner({ engine: h.engine, store: h.store, backend, ...(now ? { now } : {}) });
  const handle = runner.startRun({ task: 'loop', requestedBy: 'cron', budgets });
  const events: RunEvent[] = [];
  for await (const e of handle.events()) events.push(e);
  return { record: await handle.done, events, runner };
}

describe('budgets stop a run cleanly and say which', () => {
  it('max_turns', async () => {
    const { record, events, runner } = await runWithEvents(looping(), { maxTurns: 3 });
    expect(record).toMatchObject({
      status: 'budget_exceeded',
      stopReason: 'max_turns',
      turns: 3,
      toolCalls: 3,
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run.finished',
      status: 'budget_exceeded',
      reason: 'max_turns',
    });
    expect(events.filter((e) => e.type === 'run.finished')).toHaveLength(1);
    expect(runner.getRun(record.id)).toMatchObject({ status: 'budget_exceeded', stopReason: 'max_turns' });
    expect(runner.getTranscript(record.id).at(-1)).toMatchObject({
      kind: 'note',
      text: 'stopped: budget max_turns reached',
    });
  });

  it('max_tool_calls: calls past the budget never reach the engine', async () => {
    const lastSeq = toolCallEvents(h.dbPath).at(-1)!.seq;
    const { record } = await runWithEvents(looping(5), { maxToolCalls: 2 });
    expect(record).toMatchObject({
      status: 'budget_exceeded',
      stopReason: 'max_tool_calls',
      toolCalls: 2,
      turns: 1,
    });
    // 2 model calls + the service's status reads at start and end
    expect(toolCallEvents(h.dbPath, lastSeq)).toHaveLength(4);
  });

  it('max_tokens: the turn that crosses it does not run its tool calls', async () => {
    const lastSeq = toolCallEvents(h.dbPath).at(-1)!.seq;
    const { record } = await runWithEvents(looping(1, 500), { maxTokens: 2500 });
    expect(record).toMatchObject({
      status: 'budget_exceeded',
      stopReason: 'max_tokens',
      turns: 3,
      toolCalls: 2,
    });
    expect(record.usage).toEqual({ inputTokens: 1500, outputTokens: 1500 });
    expect(toolCallEvents(h.dbPath, lastSeq)).toHaveLength(4);
  });

  it('max_wall_ms, measured with the runner clock', async () => {
    let t = Date.parse('2026-04-01T00:00:00Z');
    const clock = () => new Date((t += 60_000)); // every reading is a minute later
    const { record } = await runWithEvents(looping(), { maxWallMs: 5 * 60_000 }, clock);
    expect(record).toMatchObject({ status: 'budget_exceeded', stopReason: 'max_wall_ms' });
    expect(record.turns).toBeLessThan(5);
  });

  it('max_wall_ms also stops a model call that never returns', async () => {
    const hanging: LlmBackend = { name: 'hang', complete: () => new Promise(() => undefined) };
    const { record } = await runWithEvents(hanging, { maxWallMs: 50 });
    expect(record).toMatchObject({ status: 'budget_exceeded', stopReason: 'max_wall_ms', turns: 0 });
  });

  it('a run cannot raise the runner caps', async () => {
    const runner = createAgentRunner({
      engine: h.engine,
      store: h.store,
      backend: looping(),
      budgets: { maxTurns: 2 },
    });
    const record = await runner.startRun({ task: 'x', requestedBy: 'cron', budgets: { maxTurns: 50 } }).done;
    expect(record).toMatchObject({ status: 'budget_exceeded', stopReason: 'max_turns', turns: 2 });
  });

  it('a failing backend fails the run with its code, not a crash', async () => {
    const broken: LlmBackend = {
      name: 'broken',
      complete: () => Promise.reject(Object.assign(new Error('HTTP 500 upstream'), { code: 'LLM_HTTP_500' })),
    };
    const { record, events } = await runWithEvents(broken, {});
    expect(record).toMatchObject({ status: 'failed', stopReason: 'LLM_HTTP_500' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed', reason: 'LLM_HTTP_500' });
  });
});
