// Compiled patterns, memoised: the gate runs per operation and policies hold a
// handful of patterns. A pure cache (same pattern, same RegExp), so the gate stays deterministic.
const compiled = new Map<string, RegExp>();

/** Escapes regex metacharacters; `*` becomes "any run of characters". */
function patternToRegExp(pattern: string): RegExp {
  let regExp = compiled.get(pattern);
  if (regExp === undefined) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*');
    regExp = new RegExp(`^${body}$`);
    if (compiled.size < 4096) compiled.set(pattern, regExp);
  }
  return regExp;
}

/** True when `account` matches `pattern` exactly or through `*` wildcards ("1031*" matches "10315"). */
export function accountMatches(pattern: string, account: string): boolean {
  return patternToRegExp(pattern).test(account);
}

/** The first pattern in `patterns` that `account` matches, or undefined. */
export function matchingAccountPattern(patterns: readonly string[], account: string): string | undefined {
  return patterns.find((pattern) => accountMatches(pattern, account));
}
