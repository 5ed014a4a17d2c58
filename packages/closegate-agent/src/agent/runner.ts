import { randomBytes } from 'node:crypto';
import type { LlmBackend, LlmMessage } from '../llm/types.js';
import type { EngineConnection } from '../mcp-client/types.js';
import type { AgentStore } from '../store/types.js';
import { redactValue } from '../store/redact.js';
import { runLoop, type LoopEnd } from './loop.js';
import { emptyReport, reportSummary } from './report.js';
import { defaultSkillsDir, loadSkill, type Skill } from './skills.js';
import { offerTools } from './tool-policy.js';
import {
  DEFAULT_BUDGETS,
  DEFAULT_CHAT_BUDGETS,
  type AgentRunner,
  type Budgets,
  type ChatInput,
  type ChatResult,
  type RunEvent,
  type RunHandle,
  type RunKind,
  type RunRecord,
  type StartRunInput,
} from './types.js';

/** What the runner is given (it owns none of it: the caller closes the connection, store and backend). */
export interface AgentRunnerOptions {
  /** The engine, connected as the agent's actor (see connectEngine). */
  engine: EngineConnection;
  store: AgentStore;
  backend: LlmBackend;
  /** Upper bounds for every run (defaults: DEFAULT_BUDGETS). */
  budgets?: Partial<Budgets> | undefined;
  chatBudgets?: Partial<Budgets> | undefined;
  /** Directory holding skills/<name>/ (default: this package's skills/). */
  skillsDir?: string | undefined;
  /** Exact secrets to redact from run events (besides the built-in key/token patterns); the store has its own list. */
  secrets?: string[] | undefined;
  /** Clock for timestamps and the wall-time budget (tests inject one). */
  now?: (() => Date) | undefined;
  /** Max output tokens per model turn (default 4096). */
  maxOutputTokens?: number | undefined;
}

export const DEFAULT_SKILL = 'recon-operator';
const MAX_TASK_CHARS = 8000;
/** Finished runs whose events stay replayable in memory for late SSE subscribers. */
const KEEP_FINISHED = 50;

export class AgentInputError extends Error {
  readonly code = 'AGENT_INPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AgentInputError';
  }
}

function newRunId(): string {
  return `run_${randomBytes(9).toString('base64url')}`;
}

/** Per-run budgets: each value is the smaller of the runner's cap and the request's. */
function mergeBudgets(cap: Budgets, asked: Partial<Budgets> | undefined): Budgets {
  const out = { ...cap };
  for (const k of Object.keys(cap) as (keyof Budgets)[]) {
    const v = asked?.[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = Math.min(cap[k], v);
  }
  return out;
}

interface LiveRun {
  events: RunEvent[];
  listeners: Set<(e: RunEvent) => void>;
  finished: boolean;
}

function auditHeadOf(json: unknown): number | null {
  const head = (json as { auditHead?: { seq?: unknown } } | null)?.auditHead;
  return typeof head?.seq === 'number' ? head.seq : null;
}

/**
 * The agent runner the CLI and the HTTP service use. It owns nothing it was
 * given (engine connection, store, backend): the caller closes those.
 */
export function createAgentRunner(options: AgentRunnerOptions): AgentRunner {
  const { engine, store, backend } = options;
  const now = options.now ?? (() => new Date());
  const cap = mergeBudgets({ ...DEFAULT_BUDGETS }, options.budgets);
  const chatCap = mergeBudgets({ ...DEFAULT_CHAT_BUDGETS }, options.chatBudgets);
  const skillsDir = options.skillsDir ?? defaultSkillsDir();
  const maxOutputTokens = options.maxOutputTokens ?? 4096;
  const live = new Map<string, LiveRun>();
  const pending = new Set<Promise<unknown>>();

  const secrets = options.secrets ?? [];
  const emitFor = (runId: string) => (raw: RunEvent) => {
    const entry = live.get(runId);
    if (!entry) return;
    // events go to SSE subscribers: redacted like the transcript
    const event = redactValue(raw, secrets) as RunEvent;
    entry.events.push(event);
    for (const l of entry.listeners) {
      try {
        l(event);
      } catch {
        // a failing subscriber (a closed SSE stream) must not stop the run
      }
    }
  };

  const forget = () => {
    const finished = [...live.entries()].filter(([, r]) => r.finished);
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) live.delete(id);
  };

  async function auditHead(): Promise<number | null> {
    try {
      const res = await engine.callTool('get_recon_status', {});
      return res.isError ? null : auditHeadOf(res.json);
    } catch {
      return null;
    }
  }

  async function execute(
    run: RunRecord,
    skill: Skill,
    budgets: Budgets,
    messages: LlmMessage[],
    readOnlyOnly: boolean,
  ): Promise<{ run: RunRecord; text: string }> {
    const emit = emitFor(run.id);
    let end: LoopEnd;
    try {
      run.auditSeqStart = await auditHead();
      const offer = offerTools(await engine.listTools(), skill.allowedTools, { readOnlyOnly });
      for (const d of offer.dropped)
        store.appendTranscript(run.id, {
          ts: now().toISOString(),
          kind: 'note',
          origin: 'service',
          text: `not offered: ${d.name} (${d.why})`,
        });
      end = await runLoop({
        run,
        engine,
        store,
        backend,
        skill,
        offer,
        budgets,
        system: skill.prompt,
        messages,
        maxOutputTokens,
        now,
        emit,
      });
    } catch (err) {
      const code =
        typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'AGENT_ERROR';
      store.appendTranscript(run.id, {
        ts: now().toISOString(),
        kind: 'note',
        origin: 'service',
        text: `failed: ${code}: ${(err as Error).message}`,
      });
      end = { status: 'failed', reason: code, text: '' };
    }
    run.auditSeqEnd = await auditHead();
    run.status = end.status;
    run.stopReason = end.reason;
    run.summary = reportSummary(run.report!, end.text);
    run.finishedAt = now().toISOString();
    store.updateRun(run);
    emit({
      type: 'run.finished',
      runId: run.id,
      status: end.status,
      reason: end.reason,
      summary: run.summary,
      report: run.report!,
    });
    const entry = live.get(run.id);
    if (entry) {
      entry.finished = true;
      entry.listeners.clear();
    }
    forget();
    return { run, text: end.text };
  }

  function begin(
    kind: RunKind,
    task: string,
    skillName: string,
    requestedBy: string,
  ): { run: RunRecord; skill: Skill } {
    if (typeof task !== 'string' || task.trim() === '')
      throw new AgentInputError('task must be a non-empty string');
    if (task.length > MAX_TASK_CHARS)
      throw new AgentInputError(`task is longer than ${MAX_TASK_CHARS} characters`);
    if (typeof requestedBy !== 'string' || requestedBy === '')
      throw new AgentInputError('requestedBy is required');
    const skill = loadSkill(skillName, skillsDir);
    const run: RunRecord = {
      id: newRunId(),
      kind,
      task,
      skill: skill.name,
      skillVersion: skill.fingerprint,
      backend: backend.name,
      model: backend.model ?? null,
      actor: engine.actor,
      requestedBy,
      status: 'running',
      stopReason: null,
      summary: null,
      startedAt: now().toISOString(),
      finishedAt: null,
      turns: 0,
      toolCalls: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      auditSeqStart: null,
      auditSeqEnd: null,
      report: emptyReport(),
    };
    store.createRun(run);
    live.set(run.id, { events: [], listeners: new Set(), finished: false });
    const ts = run.startedAt;
    store.appendTranscript(run.id, {
      ts,
      kind: 'system',
      origin: 'service',
      text: skill.prompt,
      args: { skill: skill.name, version: skill.fingerprint },
    });
    emitFor(run.id)({
      type: 'run.started',
      runId: run.id,
      kind,
      task,
      skill: skill.name,
      skillVersion: skill.fingerprint,
      backend: backend.name,
      actor: engine.actor,
      at: ts,
    });
    return { run, skill };
  }

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return p;
  }

  function subscribe(runId: string, listener: (e: RunEvent) => void): () => void {
    const entry = live.get(runId);
    if (!entry) return () => undefined;
    for (const e of entry.events) listener(e);
    if (entry.finished) return () => undefined;
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  function eventsOf(runId: string): AsyncIterable<RunEvent> {
    return {
      [Symbol.asyncIterator]() {
        const queue: RunEvent[] = [];
        let wake: (() => void) | null = null;
        let done = false;
        const unsubscribe = subscribe(runId, (e) => {
          queue.push(e);
          if (e.type === 'run.finished') done = true;
          wake?.();
        });
        if (!live.has(runId)) done = true;
        return {
          async next(): Promise<IteratorResult<RunEvent>> {
            while (queue.length === 0 && !done) await new Promise<void>((r) => (wake = r));
            wake = null;
            const value = queue.shift();
            if (value === undefined) {
              unsubscribe();
              return { done: true, value: undefined };
            }
            return { done: false, value };
          },
          async return(): Promise<IteratorResult<RunEvent>> {
            unsubscribe();
            done = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  return {
    startRun(input: StartRunInput): RunHandle {
      const { run, skill } = begin('task', input.task, input.skill ?? DEFAULT_SKILL, input.requestedBy);
      store.appendTranscript(run.id, {
        ts: now().toISOString(),
        kind: 'user',
        origin: 'operator',
        text: input.task,
      });
      const messages: LlmMessage[] = [{ role: 'user', content: [{ type: 'text', text: input.task }] }];
      const done = track(execute(run, skill, mergeBudgets(cap, input.budgets), messages, false)).then(
        (r) => r.run,
      );
      return { runId: run.id, done, events: () => eventsOf(run.id) };
    },
    subscribe,
    listRuns: (opts) => store.listRuns(opts),
    getRun: (id) => store.getRun(id),
    getTranscript: (id) => store.getTranscript(id),
    async chat(input: ChatInput): Promise<ChatResult> {
      const { run, skill } = begin('chat', input.message, DEFAULT_SKILL, input.requestedBy);
      const messages: LlmMessage[] = [];
      for (const h of (input.history ?? []).slice(-20)) {
        if (h.text.trim() === '') continue;
        const block = { type: 'text' as const, text: h.text.slice(0, MAX_TASK_CHARS) };
        const prev = messages.at(-1);
        // the Messages API wants alternating roles: consecutive turns of one role are merged
        if (prev?.role === h.role) prev.content.push(block);
        else messages.push({ role: h.role, content: [block] });
      }
      // The Messages API wants alternating roles starting with the user.
      while (messages.length > 0 && messages[0]!.role !== 'user') messages.shift();
      const last = messages.at(-1);
      if (last?.role === 'user') last.content.push({ type: 'text', text: input.message });
      else messages.push({ role: 'user', content: [{ type: 'text', text: input.message }] });
      store.appendTranscript(run.id, {
        ts: now().toISOString(),
        kind: 'user',
        origin: 'operator',
        text: input.message,
        args: { history: input.history?.length ?? 0 },
      });
      const finished = await track(execute(run, skill, chatCap, messages, true));
      return { runId: run.id, reply: finished.text, status: finished.run.status as ChatResult['status'] };
    },
    async drain(): Promise<void> {
      await Promise.allSettled([...pending]);
    },
  };
}
