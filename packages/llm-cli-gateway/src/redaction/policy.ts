import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayConfig } from '../config/file.js';
import { operatorAllowList } from '../executor/env.js';
import { providerList } from '../providers/registry.js';
import { mayNeedRedaction, redactSecrets } from '../recorder/redact.js';

/** Shorter values are not matched literally (too many false hits on words like `true`). */
export const MIN_LITERAL_SECRET = 8;

/**
 * The one redaction policy for every byte that leaves the gateway: MCP tool
 * results (replies, errors, job status and output pages, flight-recorder
 * query rows, approval lists), and what is written to logs.db and jobs.db.
 *
 * Secret values are matched literally, read from the environment at each
 * call (so a value the operator sets later is covered too): every provider
 * credential variable, every name in the operator's env allow-list
 * (`LLM_GATEWAY_ENV_ALLOW`, `LLM_GATEWAY_ENV_ALLOW_UNSAFE`, cloud backends),
 * `LLM_GATEWAY_AUTH_TOKEN`, and the `env` values of `[mcp_servers]`. Known key
 * shapes are matched by pattern on top (recorder/redact.ts).
 */
export class RedactionPolicy {
  /** The variable names holding secrets, for the allow-lists they were derived from. */
  private names:
    { allow: string | undefined; unsafe: string | undefined; list: readonly string[] } | undefined;
  /** The candidate values read by the last call, and the list they gave. */
  private last: { read: Array<string | undefined>; values: readonly string[] } | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly config?: Pick<GatewayConfig, 'mcpServers'>,
  ) {}

  /**
   * The literal secret values, longest first (a value containing another is replaced whole).
   * Every value is read at each call; the list (deduplicated, filtered, sorted) is rebuilt
   * only when one of them differs from the last call, and the names only when the
   * allow-list variables change. The same frozen array comes back while nothing changed.
   */
  values(): readonly string[] {
    const names = this.secretNames();
    const last = this.last;
    if (last !== undefined && this.unchanged(names, last.read)) return last.values;
    return this.rebuild(names);
  }

  /** True when every candidate value reads as it did at the last call (same order as {@link rebuild}). */
  private unchanged(names: readonly string[], read: ReadonlyArray<string | undefined>): boolean {
    let i = 0;
    for (const n of names) if (this.env[n] !== read[i++]) return false;
    for (const server of Object.values(this.config?.mcpServers ?? {})) {
      for (const v of Object.values(server.env)) if (v !== read[i++]) return false;
    }
    return i === read.length;
  }

  private secretNames(): readonly string[] {
    const allow = this.env.LLM_GATEWAY_ENV_ALLOW;
    const unsafe = this.env.LLM_GATEWAY_ENV_ALLOW_UNSAFE;
    const cached = this.names;
    if (cached !== undefined && cached.allow === allow && cached.unsafe === unsafe) return cached.list;
    const list = new Set<string>([
      ...providerList().flatMap((p) => [...p.credentialEnv, ...Object.values(p.cloudEnv ?? {}).flat()]),
      ...operatorAllowList(this.env),
      ...(unsafe ?? '').split(',').map((s) => s.trim()),
      'LLM_GATEWAY_AUTH_TOKEN',
    ]);
    list.delete('');
    this.names = { allow, unsafe, list: [...list] };
    this.last = undefined;
    return this.names.list;
  }

  private rebuild(names: readonly string[]): readonly string[] {
    const read: Array<string | undefined> = [];
    const out = new Set<string>();
    for (const n of names) {
      const v = this.env[n];
      read.push(v);
      if (typeof v === 'string' && v.length >= MIN_LITERAL_SECRET) out.add(v);
    }
    for (const server of Object.values(this.config?.mcpServers ?? {})) {
      for (const v of Object.values(server.env)) {
        read.push(v);
        if (v.length >= MIN_LITERAL_SECRET) out.add(v);
      }
    }
    const values = Object.freeze([...out].sort((a, b) => b.length - a.length));
    this.last = { read, values };
    return values;
  }

  redact(text: string): string {
    return redactSecrets(text, this.values());
  }

  /** Every string inside a JSON value (object keys included). */
  redactDeep(value: unknown, secrets: readonly string[] = this.values()): unknown {
    if (typeof value === 'string') return redactSecrets(value, secrets);
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v, secrets));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [redactSecrets(k, secrets), this.redactDeep(v, secrets)]),
      );
    }
    return value;
  }

  /**
   * A tool result as it may leave: JSON text is redacted value by value and
   * re-serialised (a pattern never eats a quote or a brace), other text as is.
   * When no string of a value (keys included) holds anything to redact, the
   * value-by-value pass is skipped: the text is re-serialised as parsed and
   * plain structured content leaves as it is, both exactly what that pass
   * would have produced. A text that is the serialisation of clean plain
   * structured content (what `jsonToolResult` returns) leaves as it is without
   * being parsed: its strings are among the structured content's, and parsing
   * and re-serialising it would give the same text back.
   */
  redactToolResult(result: CallToolResult): CallToolResult {
    const secrets = this.values();
    const structured = result.structuredContent;
    let cleanJson: string | undefined;
    if (structured !== undefined) {
      const strings = plainStrings(structured);
      if (strings !== undefined && !mayNeedRedaction(strings.join('\n'), secrets))
        cleanJson = JSON.stringify(structured);
    }
    const content = result.content.map((item) => {
      if (item.type !== 'text') return item;
      if (cleanJson !== undefined && item.text === cleanJson) return item;
      let parsed: unknown;
      try {
        parsed = JSON.parse(item.text);
      } catch {
        return { ...item, text: redactSecrets(item.text, secrets) };
      }
      const clean = plainStrings(parsed);
      if (clean !== undefined && !mayNeedRedaction(clean.join('\n'), secrets))
        return { ...item, text: JSON.stringify(parsed) };
      return { ...item, text: JSON.stringify(this.redactDeep(parsed, secrets)) };
    });
    const out: CallToolResult = { ...result, content };
    if (structured !== undefined) {
      out.structuredContent =
        cleanJson !== undefined
          ? structured
          : (this.redactDeep(structured, secrets) as Record<string, unknown>);
    }
    return out;
  }
}

/**
 * Every string of a value (object keys included), in the order
 * {@link RedactionPolicy.redactDeep} visits them; undefined when the value
 * holds anything but strings, numbers, booleans, null, undefined, arrays and
 * plain objects (the deep pass rebuilds those, so skipping it would not be
 * the same result).
 */
function plainStrings(value: unknown, out: string[] = []): string[] | undefined {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) {
    for (const v of value) if (plainStrings(v, out) === undefined) return undefined;
  } else if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return undefined;
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      if (plainStrings(v, out) === undefined) return undefined;
    }
  } else if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint')
    return undefined;
  return out;
}
