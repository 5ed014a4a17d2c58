import type { IncomingMessage } from 'node:http';

export type SingleHeader = { kind: 'absent' } | { kind: 'duplicate' } | { kind: 'value'; value: string };

/** One header value, telling apart "absent" from "sent more than once" (an ambiguity attackers like). */
export function singleHeader(req: IncomingMessage, name: string): SingleHeader {
  const values = req.headersDistinct[name.toLowerCase()];
  if (!values || values.length === 0) return { kind: 'absent' };
  if (values.length > 1) return { kind: 'duplicate' };
  return { kind: 'value', value: values[0]! };
}

/** The token of `Authorization: Bearer <token>`, or undefined for anything else. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = singleHeader(req, 'authorization');
  if (header.kind !== 'value') return undefined;
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header.value);
  return match?.[1];
}
