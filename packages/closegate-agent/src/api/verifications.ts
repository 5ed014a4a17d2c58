import { randomBytes } from 'node:crypto';
import type { AuditVerification } from './contract.js';

const KEEP = 20;

/** Audit verifications started from the desk, kept in memory (the last few). */
export class Verifications {
  readonly #all = new Map<string, AuditVerification>();

  start(startedBy: string, total: number, now: Date): AuditVerification {
    const v: AuditVerification = {
      id: `ver_${randomBytes(9).toString('base64url')}`,
      state: 'running',
      startedAt: now.toISOString(),
      finishedAt: null,
      startedBy,
      checked: 0,
      total,
    };
    this.#all.set(v.id, v);
    if (this.#all.size > KEEP) this.#all.delete(this.#all.keys().next().value!);
    return v;
  }

  get(id: string): AuditVerification | undefined {
    return this.#all.get(id);
  }

  latest(): AuditVerification | null {
    return [...this.#all.values()].at(-1) ?? null;
  }

  /** The running one, if any: a second request joins it instead of walking the chain twice. */
  running(): AuditVerification | undefined {
    return [...this.#all.values()].find((v) => v.state === 'running');
  }
}
