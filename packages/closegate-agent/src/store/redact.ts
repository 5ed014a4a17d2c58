/**
 * Secret redaction for everything agent.db stores: transcripts, tool arguments,
 * tool results, run summaries. Runs before a value reaches SQLite, so a key that
 * leaks into a prompt, a memo or an error message is never written.
 */
const PATTERNS: ReadonlyArray<readonly [kind: string, re: RegExp]> = [
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g],
  ['anthropic-key', /\bsk-ant-[A-Za-z0-9_-]{8,}/g],
  ['openai-key', /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{16,}/g],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g],
  ['aws-access-key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g],
  ['bearer', /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi],
  [
    'assignment',
    /\b([A-Za-z0-9_]*(?:api[_-]?key|secret|token|passw(?:or)?d|access[_-]?key)[A-Za-z0-9_]*)(["']?\s*[:=]\s*["']?)[^\s"',;]{8,}/gi,
  ],
];

/** Redacts known secret values (exact, any shape, >= 8 chars) and common key/token shapes. */
export function redactText(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join('[REDACTED:credential]');
  }
  for (const [kind, re] of PATTERNS) {
    out = out.replace(re, (match: string, ...groups: unknown[]) => {
      if (kind === 'assignment') return `${String(groups[0])}${String(groups[1])}[REDACTED]`;
      if (kind === 'bearer') return `${String(groups[0])} [REDACTED]`;
      return match.length > 0 ? `[REDACTED:${kind}]` : match;
    });
  }
  return out;
}

/** Redacts every string inside a JSON-able value (keys included). */
export function redactValue(value: unknown, knownSecrets: readonly string[] = []): unknown {
  if (typeof value === 'string') return redactText(value, knownSecrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, knownSecrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[redactText(k, knownSecrets)] = redactValue(v, knownSecrets);
    return out;
  }
  return value;
}
