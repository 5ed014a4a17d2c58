/**
 * Public types of the agent runner: what the CLI and the HTTP service (src/server)
 * call, and the progress events they stream. Stable: change only additively.
 */
import type { LlmUsage } from '../llm/types.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'budget_exceeded';
export type RunKind = 'task' | 'chat';

/** The four budgets of a run; hitting one stops the run with status `budget_exceeded`. */
export type BudgetName = 'max_turns' | 'max_tool_calls' | 'max_wall_ms' | 'max_tokens';

export interface Budgets {
  /** Model turns (LLM calls). */
  maxTurns: number;
  /** Tool calls the model asked for (refused ones count too). */
  maxToolCalls: number;
  /** Wall time of the whole run, in milliseconds (measured with the runner's clock). */
  maxWallMs: number;
  /** Input + output tokens over all turns, as reported by the backend. */
  maxTokens: number;
}

export const DEFAULT_BUDGETS: Readonly<Budgets> = Object.freeze({
  maxTurns: 24,
  maxToolCalls: 60,
  maxWallMs: 10 * 60_000,
  maxTokens: 400_000,
});

/** Chat turns are short and read-only. */
export const DEFAULT_CHAT_BUDGETS: Readonly<Budgets> = Object.freeze({
  maxTurns: 6,
  maxToolCalls: 10,
  maxWallMs: 2 * 60_000,
  maxTokens: 100_000,
});

export interface StartRunInput {
  task: string;
  /** Skill name under skills/ (default `recon-operator`). */
  skill?: string | undefined;
  /** Who asked (e.g. `human:alice`, `cron`): recorded, never the engine actor. */
  requestedBy: string;
  /** Tighter budgets for this run (each capped by the runner's budgets). */
  budgets?: Partial<Budgets> | undefined;
}

/** What a run did, gathered from the engine's answers (not from the model's words). */
export interface RunReport {
  /** Matches the agent proposed (`propose_match` allowed). */
  proposed: {
    matchId: number | null;
    entryIds: number[];
    rationale: string | null;
    auditSeq: number | null;
  }[];
  /** Gate escalations the agent's calls produced, with the verbatim clause. */
  escalated: {
    tool: string;
    matchId: number | null;
    escalationId: number | null;
    code: string | null;
    clause: string | null;
  }[];
  /** Gate denials the agent's calls produced (e.g. SOD_SAME_ACTOR on a self-confirm). */
  denied: { tool: string; matchId: number | null; code: string | null; clause: string | null }[];
  /** Entries flagged as suspected prompt injection, by the model or by the detector. */
  flagged: FlaggedItem[];
  /** Tool calls the agent refused before they reached the engine. */
  refused: { tool: string; code: string; message: string }[];
  /** The recon pass the agent ran, if any (engine counts as returned). */
  reconPass: Record<string, unknown> | null;
}

/** A type alias (not an interface) so events stay assignable to index-signature shapes. */
export type FlaggedItem = {
  entryId: number;
  quote: string;
  by: 'model' | 'detector';
  /** Engine outcome of the flag_exception call (`allow`, or the error code, e.g. STATE_CONFLICT). */
  engineOutcome: string;
  idempotencyKey: string | null;
};

export interface RunRecord {
  id: string;
  kind: RunKind;
  task: string;
  skill: string;
  skillVersion: string;
  backend: string;
  model: string | null;
  /** The engine actor the service bound on the transport (never chosen by the model). */
  actor: string;
  requestedBy: string;
  status: RunStatus;
  /** For budget_exceeded: the budget name; for failed: an error code; else null. */
  stopReason: string | null;
  summary: string | null;
  startedAt: string;
  finishedAt: string | null;
  turns: number;
  toolCalls: number;
  usage: LlmUsage;
  /** Audit chain head before / after the run: the run's MCP_TOOL_CALL events lie in between. */
  auditSeqStart: number | null;
  auditSeqEnd: number | null;
  report: RunReport | null;
}

export type TranscriptKind =
  'system' | 'user' | 'assistant' | 'tool_call' | 'tool_result' | 'refused' | 'flagged' | 'note';

/** One stored transcript row (secrets redacted before it is written). */
export interface TranscriptItem {
  seq: number;
  ts: string;
  kind: TranscriptKind;
  /** `model` for what the model emitted, `service` for calls the service made itself (detector flags). */
  origin: 'model' | 'service' | 'engine' | 'operator';
  text?: string | undefined;
  tool?: string | undefined;
  toolUseId?: string | undefined;
  args?: unknown;
  result?: unknown;
  isError?: boolean | undefined;
  /** The idempotency key sent to the engine: the link to its MCP_TOOL_CALL audit event. */
  idempotencyKey?: string | undefined;
}

export type RunEvent =
  | {
      type: 'run.started';
      runId: string;
      kind: RunKind;
      task: string;
      skill: string;
      skillVersion: string;
      backend: string;
      actor: string;
      at: string;
    }
  | { type: 'turn'; runId: string; turn: number; text: string; toolCalls: number; usage: LlmUsage }
  | {
      type: 'tool_call';
      runId: string;
      toolUseId: string;
      tool: string;
      args: unknown;
      origin: 'model' | 'service';
      idempotencyKey: string | null;
    }
  | {
      type: 'tool_result';
      runId: string;
      toolUseId: string;
      tool: string;
      isError: boolean;
      /** `agent` when the agent refused the call itself (it never reached the engine). */
      refusedBy: 'agent' | null;
      /** Gate decision / error code summarised from the engine's answer. */
      outcome: string;
      code: string | null;
      result: unknown;
    }
  | ({ type: 'flagged'; runId: string } & FlaggedItem)
  | {
      type: 'run.finished';
      runId: string;
      status: Exclude<RunStatus, 'running'>;
      /** Budget name or error code; null when the run ended normally. */
      reason: string | null;
      summary: string;
      report: RunReport;
    };

export interface RunHandle {
  runId: string;
  /** Every event of the run from its start, then live ones; ends after `run.finished`. */
  events(): AsyncIterable<RunEvent>;
  /** Resolves with the final record when the run ends (never rejects). */
  done: Promise<RunRecord>;
}

export interface ChatInput {
  message: string;
  /** Earlier turns of this chat, oldest first (the caller keeps them). */
  history?: { role: 'user' | 'assistant'; text: string }[] | undefined;
  requestedBy: string;
}

export interface ChatResult {
  runId: string;
  reply: string;
  status: Exclude<RunStatus, 'running'>;
}

export interface AgentRunner {
  startRun(input: StartRunInput): RunHandle;
  /** Subscribe to a run's events (past events of a live run are replayed first). Returns unsubscribe. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void;
  listRuns(opts?: { limit?: number }): RunRecord[];
  getRun(runId: string): RunRecord | null;
  getTranscript(runId: string): TranscriptItem[];
  chat(input: ChatInput): Promise<ChatResult>;
  /** Waits for live runs to finish (or aborts them with `signal`), then closes nothing it does not own. */
  drain(): Promise<void>;
}
