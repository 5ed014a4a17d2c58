import type { RequestResult } from './types.js';

/**
 * Recent results kept in memory so `llm_request_result` works even with the
 * flight recorder disabled. Bounded; owner-scoped on read.
 */
export class ResultCache {
  private readonly entries = new Map<string, { owner: string; result: RequestResult }>();

  constructor(private readonly capacity = 200) {}

  put(owner: string, result: RequestResult): void {
    this.entries.delete(result.correlationId);
    this.entries.set(result.correlationId, { owner, result });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get(owner: string, correlationId: string): RequestResult | undefined {
    const entry = this.entries.get(correlationId);
    return entry !== undefined && entry.owner === owner ? entry.result : undefined;
  }
}
