/** Escapes regex metacharacters; `*` becomes "any run of characters". */
function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** True when `account` matches `pattern` exactly or through `*` wildcards ("1031*" matches "10315"). */
export function accountMatches(pattern: string, account: string): boolean {
  return patternToRegExp(pattern).test(account);
}

/** The first pattern in `patterns` that `account` matches, or undefined. */
export function matchingAccountPattern(patterns: readonly string[], account: string): string | undefined {
  return patterns.find((pattern) => accountMatches(pattern, account));
}
