import { CanonicalJsonError } from '../errors.js';

/** Nesting deeper than this is refused (protects the stack and the reader). */
export const MAX_CANONICAL_DEPTH = 64;

/**
 * Canonical JSON, the byte form that audit hashes are computed over.
 *
 * Rules (an auditor re-implementing verification needs only the first four):
 * - object keys sorted by UTF-16 code unit order (JavaScript's default sort,
 *   the same order as RFC 8785), recursively; no whitespace anywhere;
 * - strings escaped exactly as ECMAScript `JSON.stringify` does (`"` `\\`,
 *   `\b \f \n \r \t`, other controls and lone surrogates as lower-case `\uXXXX`,
 *   everything else literal UTF-8);
 * - numbers only as safe integers (|n| <= 2^53-1), written in plain decimal;
 *   `-0` is written `0`. Money and rates must be decimal strings;
 * - `true`, `false`, `null`, arrays, plain objects.
 *
 * Refused with `CanonicalJsonError` (code `AUDIT_INVALID_JSON`): non-finite
 * numbers, non-integers (0.1), unsafe integers, bigint, functions, symbols,
 * `undefined` at the root or inside an array (holes included), class
 * instances such as Date, Map or Decimal (convert them to strings first),
 * cycles, and nesting deeper than {@link MAX_CANONICAL_DEPTH}.
 * Object properties whose value is `undefined` are omitted, as JSON does.
 */
export function canonicalJson(value: unknown): string {
  return writeFast(value, 0) ?? new CanonicalWriter().write(value);
}

/**
 * The hot path: the same output for every accepted value, without tracking
 * the JSON path or ancestors. It returns undefined at the first value it would
 * refuse, and {@link CanonicalWriter} then redoes the work to throw an error
 * naming the path. A cycle exceeds the depth limit on its first lap, so it
 * also bails out (after at most MAX_CANONICAL_DEPTH levels).
 */
function writeFast(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) return undefined;
      return value === 0 ? '0' : String(value);
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_CANONICAL_DEPTH) return undefined;
      return Array.isArray(value)
        ? arrayFast(value, depth + 1)
        : objectFast(value as Record<string, unknown>, depth + 1);
    default:
      return undefined;
  }
}

function arrayFast(arr: readonly unknown[], depth: number): string | undefined {
  let out = '[';
  for (let i = 0; i < arr.length; i++) {
    const item = arr[i];
    if (item === undefined) return undefined;
    const text = writeFast(item, depth);
    if (text === undefined) return undefined;
    out += i === 0 ? text : ',' + text;
  }
  return out + ']';
}

function objectFast(obj: Record<string, unknown>, depth: number): string | undefined {
  const proto: unknown = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = sortKeys(Object.keys(obj));
  let out = '{';
  for (const key of keys) {
    const child = obj[key];
    if (child === undefined) continue;
    const text = writeFast(child, depth);
    if (text === undefined) return undefined;
    out += (out.length === 1 ? firstMember(key) : nextMember(key)) + text;
  }
  return out + '}';
}

/** Past this many keys an insertion sort loses to `Array.prototype.sort`. */
const INSERTION_SORT_MAX = 24;

/**
 * The keys in `sort()` order (UTF-16 code units, which `<` on strings
 * compares), sorted in place. A payload has a handful of keys, and for those
 * an insertion sort allocates nothing where `sort()` allocates a work array:
 * that was the largest allocation of an audit append. Keys are distinct, so
 * stability does not arise.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Payload keys repeat from event to event ("matchId", "amountUsd"), so the
 * text written before a member's value (`"key":`, or `,"key":` after the
 * first member) is kept; building it each time was half the garbage of a
 * payload. The bound stops a stream of distinct keys from growing the maps
 * without limit (past it, the text is built each time).
 */
const MEMBER_KEYS_MAX = 4096;
const firstMembers = new Map<string, string>();
const nextMembers = new Map<string, string>();

function firstMember(key: string): string {
  return memberText(firstMembers, key, '');
}

function nextMember(key: string): string {
  return memberText(nextMembers, key, ',');
}

function memberText(cache: Map<string, string>, key: string, separator: string): string {
  let text = cache.get(key);
  if (text === undefined) {
    text = `${separator}${JSON.stringify(key)}:`;
    if (cache.size < MEMBER_KEYS_MAX) cache.set(key, text);
  }
  return text;
}

class CanonicalWriter {
  private readonly segments: string[] = [];
  private readonly ancestors = new Set<object>();

  write(value: unknown): string {
    if (value === undefined) this.fail('undefined is not a JSON value');
    return this.value(value);
  }

  private value(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        return this.number(value);
      case 'object':
        if (value === null) return 'null';
        return this.container(value);
      case 'bigint':
        return this.fail('bigint is not allowed; write the number as a decimal string');
      case 'undefined':
        return this.fail('undefined is not allowed inside an array');
      default:
        return this.fail(`a ${typeof value} is not a JSON value`);
    }
  }

  private number(n: number): string {
    if (!Number.isFinite(n)) return this.fail(`non-finite number ${String(n)} is not allowed`);
    if (!Number.isSafeInteger(n)) {
      return this.fail(
        `number ${String(n)} is not a safe integer; write amounts, rates and fractions as decimal strings`,
      );
    }
    return Object.is(n, -0) ? '0' : String(n);
  }

  private container(obj: object): string {
    if (this.ancestors.has(obj)) return this.fail('cycle detected');
    if (this.ancestors.size >= MAX_CANONICAL_DEPTH) {
      return this.fail(`nesting deeper than ${MAX_CANONICAL_DEPTH} levels`);
    }
    this.ancestors.add(obj);
    try {
      if (Array.isArray(obj)) return this.array(obj);
      const proto: unknown = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        const kind = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        return this.fail(`${kind} instance is not a plain object; convert it to a string first`);
      }
      return this.object(obj as Record<string, unknown>);
    } finally {
      this.ancestors.delete(obj);
    }
  }

  private array(arr: readonly unknown[]): string {
    let out = '[';
    for (let i = 0; i < arr.length; i++) {
      this.segments.push(String(i));
      if (i > 0) out += ',';
      out += this.value(arr[i]);
      this.segments.pop();
    }
    return out + ']';
  }

  private object(obj: Record<string, unknown>): string {
    const keys = Object.keys(obj).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const child = obj[key];
      if (child === undefined) continue;
      this.segments.push(key);
      out += (first ? '' : ',') + JSON.stringify(key) + ':' + this.value(child);
      this.segments.pop();
      first = false;
    }
    return out + '}';
  }

  private fail(message: string): never {
    const path = this.segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
    throw new CanonicalJsonError(path, message);
  }
}
