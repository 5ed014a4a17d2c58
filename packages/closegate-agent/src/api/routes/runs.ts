import type { ApiContext } from '../context.js';
import { HANDLED } from '../context.js';
import {
  chatBody,
  startRunBody,
  type ChatResponse,
  type RunDetailResponse,
  type RunEvent,
  type RunListResponse,
  type RunSummary,
  type TranscriptItem,
} from '../contract.js';
import { ApiHttpError } from '../errors.js';
import type { DeskRunEvent, DeskRunRecord, DeskRunner, DeskTranscriptItem } from '../runs-port.js';
import { validate } from '../validate.js';
import { SECURITY_HEADERS } from '../../server/respond.js';

function runner(ctx: ApiContext): DeskRunner {
  if (ctx.deps.runner === null)
    throw new ApiHttpError('AGENT_UNAVAILABLE', 'no agent runner is configured for this service');
  return ctx.deps.runner;
}

export function runSummary(r: DeskRunRecord): RunSummary {
  return {
    id: r.id,
    task: r.task,
    state: r.status === 'budget_exceeded' ? 'budget_exhausted' : r.status,
    startedBy: r.requestedBy,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    stopReason: r.stopReason,
    summary: r.summary,
  };
}

const KINDS = new Set(['system', 'user', 'assistant', 'tool_call', 'tool_result', 'note']);

export function transcriptItem(t: DeskTranscriptItem): TranscriptItem {
  // refused / flagged rows are notes for the desk, with their text
  const kind = (KINDS.has(t.kind) ? t.kind : 'note') as TranscriptItem['kind'];
  const out: TranscriptItem = { seq: t.seq, ts: t.ts, kind };
  if (t.text !== undefined) out.text = KINDS.has(t.kind) ? t.text : `[${t.kind}] ${t.text}`;
  if (t.tool !== undefined) out.tool = t.tool;
  if (t.args !== undefined) out.args = t.args;
  if (t.result !== undefined) out.result = t.result;
  if (t.isError !== undefined) out.isError = t.isError;
  return out;
}

function getRunOr404(r: DeskRunner, id: string | undefined): DeskRunRecord {
  const run = id === undefined ? null : r.getRun(id);
  if (run === null) throw new ApiHttpError('NOT_FOUND', 'no such run');
  return run;
}

export function startRun(ctx: ApiContext): Promise<RunSummary> {
  const r = runner(ctx);
  const body = validate(startRunBody, ctx.body);
  const { runId } = r.startRun({ task: body.task, requestedBy: ctx.session.actorId });
  ctx.res.statusCode = 202;
  return Promise.resolve(runSummary(getRunOr404(r, runId)));
}

export function listRuns(ctx: ApiContext): Promise<RunListResponse> {
  return Promise.resolve({ rows: runner(ctx).listRuns({ limit: 100 }).map(runSummary) });
}

export function getRun(ctx: ApiContext): Promise<RunDetailResponse> {
  const r = runner(ctx);
  const run = getRunOr404(r, ctx.params[0]);
  return Promise.resolve({ ...runSummary(run), transcript: r.getTranscript(run.id).map(transcriptItem) });
}

export async function chat(ctx: ApiContext): Promise<ChatResponse> {
  const body = validate(chatBody, ctx.body);
  const out = await runner(ctx).chat({ message: body.message, requestedBy: ctx.session.actorId });
  return { runId: out.runId, reply: out.reply };
}

/** Maps the runner's progress events onto the contract's item / state / done messages. */
export function toContractEvent(r: DeskRunner, event: DeskRunEvent, seq: number): RunEvent | null {
  const e = event as DeskRunEvent & Record<string, unknown>;
  const run = r.getRun(e.runId);
  if (e.type === 'run.finished') return run === null ? null : { type: 'done', run: runSummary(run) };
  if (e.type === 'run.started') return run === null ? null : { type: 'state', run: runSummary(run) };
  const ts = new Date().toISOString();
  if (e.type === 'turn')
    return { type: 'item', item: { seq, ts, kind: 'assistant', text: String(e.text ?? '') } };
  if (e.type === 'tool_call')
    return { type: 'item', item: { seq, ts, kind: 'tool_call', tool: String(e.tool), args: e.args } };
  if (e.type === 'tool_result')
    return {
      type: 'item',
      item: {
        seq,
        ts,
        kind: 'tool_result',
        tool: String(e.tool),
        result: e.result,
        isError: e.isError === true,
      },
    };
  return {
    type: 'item',
    item: { seq, ts, kind: 'note', text: `[${e.type}] ${JSON.stringify(e).slice(0, 2000)}` },
  };
}

/** Server-sent events of one run: replayed from its start, then live; ends after `done`. */
export function runEvents(ctx: ApiContext): Promise<typeof HANDLED> {
  const r = runner(ctx);
  const run = getRunOr404(r, ctx.params[0]);
  const res = ctx.res;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let seq = 0;
  let closed = false;
  const send = (event: RunEvent) => {
    if (closed) return;
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    if (event.type === 'done') finish();
  };
  let unsubscribe: () => void = () => undefined;
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    res.end();
  };
  ctx.req.on('close', finish);
  if (run.status !== 'running') {
    // a finished run: its transcript, then done
    for (const t of r.getTranscript(run.id)) send({ type: 'item', item: transcriptItem(t) });
    send({ type: 'done', run: runSummary(run) });
    return Promise.resolve(HANDLED);
  }
  unsubscribe = r.subscribe(run.id, (e) => {
    const mapped = toContractEvent(r, e, ++seq);
    if (mapped !== null) send(mapped);
  });
  if (closed) unsubscribe();
  return Promise.resolve(HANDLED);
}
