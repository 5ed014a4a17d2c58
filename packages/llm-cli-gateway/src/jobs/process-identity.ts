import { readFileSync } from 'node:fs';

/**
 * The kernel's start time of `pid` (Linux `/proc/<pid>/stat` field 22), or
 * null where unavailable. Stored with a job's pid so that a later instance
 * only kills an orphaned process group when the pid still names the same
 * process, never a recycled pid.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
