import type { RunRecord, TranscriptItem } from '../agent/types.js';

/** The agent service's own database (agent.db): runs and their transcripts. */
export interface AgentStore {
  readonly path: string;
  createRun(run: RunRecord): void;
  updateRun(run: RunRecord): void;
  getRun(id: string): RunRecord | null;
  listRuns(opts?: { limit?: number }): RunRecord[];
  /** Appends one transcript row (redacted by the store before it is written); returns its seq. */
  appendTranscript(runId: string, item: Omit<TranscriptItem, 'seq'>): number;
  getTranscript(runId: string): TranscriptItem[];
  close(): void;
}
