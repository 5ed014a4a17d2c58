import http from 'node:http';
import { clauseCode, errorCode, type ToolReply } from './client.js';
import type { AttackVerdict } from './types.js';

const brief = (r: ToolReply): string => r.protocolError ?? JSON.stringify(r.body ?? {}).slice(0, 160);

/** Denied by the gate with one of these clause codes (isError tool result). */
export function denied(r: ToolReply, codes: string[]): AttackVerdict {
  const code = clauseCode(r);
  const ok = r.isError && r.body?.status === 'denied' && code !== undefined && codes.includes(code);
  return {
    contained: ok,
    detail: ok ? `denied ${code}` : `expected a deny (${codes.join('|')}), got ${brief(r)}`,
  };
}

/** Escalated to a human with one of these clause codes (not confirmed). */
export function escalated(r: ToolReply, codes: string[]): AttackVerdict {
  const code = clauseCode(r);
  const ok = r.body?.status === 'escalated' && code !== undefined && codes.includes(code);
  return {
    contained: ok,
    detail: ok ? `escalated ${code}` : `expected an escalation (${codes.join('|')}), got ${brief(r)}`,
  };
}

/** Denied or escalated: either keeps the decision away from the caller. */
export function blocked(r: ToolReply, codes: string[]): AttackVerdict {
  const d = denied(r, codes);
  return d.contained ? d : escalated(r, codes);
}

/** JSON-RPC 2.0 "Invalid params". */
const INVALID_PARAMS = -32602;

/** Refused with one of these error codes (input validation, SQL sandbox ...), or as invalid params. */
export function refused(r: ToolReply, codes: string[]): AttackVerdict {
  // Arguments refused before the handler are answered as JSON-RPC invalid params (and audited).
  if (codes.includes('INVALID_INPUT') && r.rpcCode === INVALID_PARAMS)
    return { contained: true, detail: `invalid params (-32602): ${String(r.protocolError).slice(0, 120)}` };
  const code = errorCode(r);
  const ok = r.isError && code !== undefined && codes.includes(code);
  return {
    contained: ok,
    detail: ok
      ? `refused ${code}: ${String((r.body?.error as { message?: string }).message).slice(0, 120)}`
      : `expected a ${codes.join('|')} refusal, got ${brief(r)}`,
  };
}

/** Refused at the protocol or HTTP layer (SDK error) or as a tool error. */
export function refusedAnywhere(r: ToolReply): AttackVerdict {
  if (r.protocolError !== undefined)
    return { contained: true, detail: `protocol error: ${r.protocolError.slice(0, 120)}` };
  if (r.isError) return { contained: true, detail: `tool error ${errorCode(r) ?? ''}` };
  return { contained: false, detail: `accepted: ${brief(r)}` };
}

export function httpStatus(status: number, expected: number[], what: string): AttackVerdict {
  const ok = expected.includes(status);
  return { contained: ok, detail: `${what}: HTTP ${status}${ok ? '' : `, expected ${expected.join('|')}`}` };
}

/** A raw HTTP request with full control of the headers (Host included), for transport attacks. */
export function rawHttp(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // the server may close the connection after answering an oversized body
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
        resolve({ status: 0, text: `connection closed (${err.code})` });
      else reject(err);
    });
    req.end(body);
  });
}
