import { createHash } from 'node:crypto';
import type { GatewayRequest } from '../service/types.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * Hash of what makes two requests "the same": provider plus every request
 * field (prompt, model, session, options...), keys sorted, undefined fields
 * dropped. Timeouts are excluded: they change how long we wait, not what is asked.
 */
export function requestHash(request: GatewayRequest): string {
  const { timeoutMs: _t, idleTimeoutMs: _i, ...rest } = request;
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(rest)), 'utf8')
    .digest('hex');
}
