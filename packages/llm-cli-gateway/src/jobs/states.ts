export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'canceled', 'orphaned'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * The only moves a job may make. Terminal states have no way out, so a
 * finished job can never be resurrected or re-labelled by a late writer.
 */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['running', 'canceled', 'failed', 'orphaned'],
  running: ['completed', 'failed', 'canceled', 'orphaned'],
  completed: [],
  failed: [],
  canceled: [],
  orphaned: [],
};

export const ACTIVE_STATES: readonly JobState[] = ['queued', 'running'];

export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: JobState): boolean {
  return TRANSITIONS[state].length === 0;
}
