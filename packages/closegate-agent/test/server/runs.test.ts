import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskRunEvent, DeskRunner, DeskRunRecord, DeskTranscriptItem } from '../../src/api/runs-port.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import {
  apiAs,
  browse,
  Jar,
  quiet,
  SERVICE_TOKEN,
  startEngine,
  type Api,
  type EngineFixture,
} from './helpers.js';

/** A runner with the shape of createAgentRunner's, driven by the test step by step. */
class StepRunner implements DeskRunner {
  runs = new Map<string, DeskRunRecord>();
  transcripts = new Map<string, DeskTranscriptItem[]>();
  listeners = new Map<string, Set<(e: DeskRunEvent) => void>>();
  startRun(input: { task: string; requestedBy: string }) {
    const id = `run_${this.runs.size + 1}`;
    this.runs.set(id, {
      id,
      task: input.task,
      requestedBy: input.requestedBy,
      status: 'running',
      stopReason: null,
      summary: null,
      startedAt: '2026-04-02T12:00:00.000Z',
      finishedAt: null,
    });
    this.transcripts.set(id, []);
    return { runId: id };
  }
  emit(e: DeskRunEvent & Record<string, unknown>) {
    for (const l of this.listeners.get(e.runId) ?? []) l(e);
  }
  finish(id: string) {
    Object.assign(this.runs.get(id)!, {
      status: 'succeeded',
      summary: 'proposed 1, flagged 0',
      finishedAt: '2026-04-02T12:01:00.000Z',
    });
    this.transcripts
      .get(id)!
      .push({ seq: 1, ts: '2026-04-02T12:00:30.000Z', kind: 'tool_call', tool: 'run_recon_pass', args: {} });
    this.emit({ type: 'run.finished', runId: id, status: 'succeeded' });
  }
  subscribe(runId: string, l: (e: DeskRunEvent) => void) {
    const set = this.listeners.get(runId) ?? new Set();
    set.add(l);
    this.listeners.set(runId, set);
    return () => set.delete(l);
  }
  listRuns() {
    return [...this.runs.values()];
  }
  getRun(id: string) {
    return this.runs.get(id) ?? null;
  }
  getTranscript(id: string) {
    return this.transcripts.get(id) ?? [];
  }
  chat(input: { message: string; requestedBy: string }) {
    return Promise.resolve({ runId: 'chat_1', reply: `you asked: ${input.message} (${input.requestedBy})` });
  }
}

let engine: EngineFixture;
let service: RunningServer;
let runner: StepRunner;
let alice: Api;
beforeAll(async () => {
  engine = await startEngine();
  runner = new StepRunner();
  service = await startServer({
    engine: { url: engine.url, serviceToken: SERVICE_TOKEN },
    devUser: 'alice',
    runner,
    assetsDir: null,
    logger: quiet(),
  });
  const jar = new Jar();
  await browse(jar, service.devLoginUrl!, {}, 0).catch(() => undefined);
  alice = await apiAs(service.url, jar);
}, 30_000);
afterAll(async () => {
  await service?.close();
  await engine?.close();
});

async function readSse(
  res: Response,
): Promise<{ event: string; data: { type: string; run?: { state: string } } }[]> {
  const text = await res.text();
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1]!;
      return {
        event,
        data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { type: string; run?: { state: string } },
      };
    });
}

describe('agent runs over /api', () => {
  it('starts a run as the logged-in human and streams its progress until done (SSE)', async () => {
    const started = await alice.post('/api/runs', { task: 'reconcile the demo book' });
    expect(started.status).toBe(202);
    const run = (await started.json()) as { id: string; startedBy: string; state: string };
    expect(run).toMatchObject({ startedBy: 'human:alice', state: 'running' });
    const stream = await alice.get(`/api/runs/${run.id}/events`);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readSse(stream);
    runner.emit({ type: 'tool_call', runId: run.id, tool: 'run_recon_pass', args: {} });
    runner.emit({
      type: 'tool_result',
      runId: run.id,
      tool: 'run_recon_pass',
      isError: false,
      result: { proposed: 3 },
    });
    runner.finish(run.id);
    const got = await events;
    expect(got.map((e) => e.event)).toEqual(['item', 'item', 'done']);
    expect(got[2]!.data.run!.state).toBe('succeeded');
    const detail = (await (await alice.get(`/api/runs/${run.id}`)).json()) as {
      transcript: { tool: string }[];
    };
    expect(detail.transcript[0]!.tool).toBe('run_recon_pass');
    const list = (await (await alice.get('/api/runs')).json()) as { rows: { id: string }[] };
    expect(list.rows.map((r) => r.id)).toContain(run.id);
    // a finished run replays its transcript and ends
    const replay = await readSse(await alice.get(`/api/runs/${run.id}/events`));
    expect(replay.at(-1)!.event).toBe('done');
  });

  it('chats as the logged-in human and refuses an empty message', async () => {
    const res = await alice.post('/api/chat', { message: 'how many exceptions are open?' });
    expect(((await res.json()) as { reply: string }).reply).toContain('human:alice');
    expect((await alice.post('/api/chat', { message: '  ' })).status).toBe(400);
    expect((await alice.get('/api/runs/run_999')).status).toBe(404);
  });

  it('answers 503 AGENT_UNAVAILABLE without a runner', async () => {
    const bare = await startServer({
      engine: { url: engine.url, serviceToken: SERVICE_TOKEN },
      devUser: 'bob',
      assetsDir: null,
      logger: quiet(),
    });
    try {
      const jar = new Jar();
      await browse(jar, bare.devLoginUrl!, {}, 0).catch(() => undefined);
      const bob = await apiAs(bare.url, jar);
      const res = await bob.post('/api/runs', { task: 'x' });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AGENT_UNAVAILABLE');
    } finally {
      await bare.close();
    }
  });
});
