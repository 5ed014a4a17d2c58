/**
 * Secret redaction for everything the flight recorder stores. Patterns match
 * the shapes of common API keys and tokens; each match becomes
 * `[REDACTED:<kind>]`. Redaction runs before a value reaches SQLite.
 */
const PATTERNS: ReadonlyArray<readonly [kind: string, re: RegExp]> = [
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g],
  ['anthropic-key', /\bsk-ant-[A-Za-z0-9_-]{8,}/g],
  ['openai-key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g],
  ['google-api-key', /\bAIza[0-9A-Za-z_-]{30,}/g],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g],
  ['xai-key', /\bxai-[A-Za-z0-9_-]{16,}/g],
  ['slack-token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/g],
  ['aws-access-key', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g],
  ['bearer-token', /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi],
  [
    'secret-assignment',
    /\b([A-Za-z0-9_]*(?:api[_-]?key|secret|token|passw(?:or)?d|access[_-]?key)[A-Za-z0-9_]*)(["']?\s*[:=]\s*["']?)[^\s"',;]{8,}/gi,
  ],
];

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  // Exact values of credential env vars the gateway passes through, whatever their shape.
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join('[REDACTED:credential]');
  }
  for (const [kind, re] of PATTERNS) {
    out = out.replace(re, (match: string, ...groups: unknown[]) => {
      if (kind === 'secret-assignment') return `${String(groups[0])}${String(groups[1])}[REDACTED:secret]`;
      if (kind === 'bearer-token') return `${String(groups[0])} [REDACTED:token]`;
      return match.length > 0 ? `[REDACTED:${kind}]` : match;
    });
  }
  return out;
}

/**
 * True when {@link redactSecrets} may change `text`: a known secret or a key
 * pattern occurs in it. A match inside any one of several strings is also a
 * match in those strings joined by newlines (a newline is no word character,
 * so no `\b` of a pattern is lost), which lets a caller test many short
 * strings with one pass per pattern. False positives only cost the full pass.
 */
export function mayNeedRedaction(text: string, knownSecrets: readonly string[] = []): boolean {
  for (const secret of knownSecrets) if (secret.length >= 8 && text.includes(secret)) return true;
  // search() ignores the global flag's lastIndex, so the shared patterns keep no state.
  for (const [, re] of PATTERNS) if (text.search(re) !== -1) return true;
  return false;
}
