/**
 * What the service needs from the agent runner (src/agent/runner.ts). Declared
 * structurally here so /api depends on the runner's shape, not its module.
 */
export interface DeskRunRecord {
  id: string;
  task: string;
  requestedBy: string;
  status: 'running' | 'succeeded' | 'failed' | 'budget_exceeded';
  stopReason: string | null;
  summary: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface DeskTranscriptItem {
  seq: number;
  ts: string;
  kind: string;
  text?: string | undefined;
  tool?: string | undefined;
  args?: unknown;
  result?: unknown;
  isError?: boolean | undefined;
}

/** A runner progress event; its other members depend on the type (see agent/types.ts RunEvent). */
export interface DeskRunEvent {
  type: string;
  runId: string;
}

export interface DeskRunner {
  startRun(input: { task: string; requestedBy: string }): { runId: string };
  subscribe(runId: string, listener: (event: DeskRunEvent) => void): () => void;
  listRuns(opts?: { limit?: number }): DeskRunRecord[];
  getRun(runId: string): DeskRunRecord | null;
  getTranscript(runId: string): DeskTranscriptItem[];
  chat(input: { message: string; requestedBy: string }): Promise<{ runId: string; reply: string }>;
}
