/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, or the inspector's Profiler as the
 * benches write it) for the profiles in docs/profiles/: busy CPU, self time per category, per
 * area (package/src folder, dependency, node internal, native), the top self-time functions, and
 * the inclusive time of named functions (`name`, or `name@file-substring` such as `add@batch.ts`:
 * a sample counts once per named function on its stack).
 * Run: node --import tsx bench/lib/cpu-profile-summary.ts FILE.cpuprofile... [--calls N] [--top 25]
 *        [--areas 30] [--incl NAME,NAME@FILE,...]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

type Frame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** First match wins; tested against "url functionName" of the leaf frame and then its callers. */
const CATEGORIES: [string, (f: Frame) => boolean][] = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['zod', (f) => /\/zod\//.test(f.url)],
  ['SDK (protocol, transport)', (f) => /@modelcontextprotocol\/sdk/.test(f.url)],
  [
    'audit hashing (sha256)',
    (f) =>
      /internal\/crypto\/hash/.test(f.url) || (/^(digest|update|Hash)$/.test(f.functionName) && f.url === ''),
  ],
  ['audit-chain (event, canonical JSON, chain)', (f) => /packages\/audit-chain\//.test(f.url)],
  ['closegate status queries', (f) => /closegate-engine\/src\/(queries|store)\//.test(f.url)],
  ['closegate MCP dispatch + audit record', (f) => /closegate-engine\/src\/mcp\//.test(f.url)],
  ['closegate other', (f) => /closegate-(engine|policy)\//.test(f.url)],
  ['mcp-host (HTTP pipeline, auth, guard)', (f) => /packages\/mcp-host\//.test(f.url)],
  ['better-sqlite3 JS', (f) => /better-sqlite3/.test(f.url)],
  [
    'node http / net / streams',
    (f) =>
      /node:(_http|http|net|internal\/(http|streams|stream_base|net|js_stream|timers|process\/task_queues|async_hooks|event_target))|node:events|node:stream|_http_/.test(
        f.url,
      ),
  ],
  ['node (other internals)', (f) => f.url.startsWith('node:')],
  ['other JS (tsx, deps)', (f) => f.url !== ''],
];

/** Native leaves (no url) are charged by name when it says what they are, else to their caller. */
function nativeCategory(f: Frame): string | undefined {
  if (f.functionName === '(program)') return 'V8 / native (program)';
  if (/^(get|run|all|iterate|pluck|raw|exec|prepare|transaction|immediate|default)$/.test(f.functionName))
    return 'SQLite statements (native)';
  if (/^(stringify|parse)$/.test(f.functionName)) return 'JSON (native stringify/parse)';
  if (/^(digest|update|Hash|createHash)$/.test(f.functionName)) return 'audit hashing (sha256)';
  if (
    /^(writev|writeBuffer|writeUtf8String|writeLatin1String|close|shutdown|readStart|readStop)$/.test(
      f.functionName,
    )
  )
    return 'socket I/O (native)';
  return undefined;
}

/** The package/src folder (`closegate-engine/recon`), dependency (`nm:zod`) or node module of a frame. */
function area(f: Frame): string {
  const u = f.url;
  if (!u) return f.functionName.startsWith('(') ? f.functionName : `native:${f.functionName}`;
  const m = /packages\/([^/]+)\/src\/([^/]+)/.exec(u);
  if (m) return `${m[1]}/${m[2]}`;
  if (u.includes('node_modules/')) return `nm:${u.split('node_modules/').pop()!.split('/')[0]}`;
  if (u.startsWith('node:')) return u;
  return u.split('/').slice(-2).join('/');
}

export interface SummaryOptions {
  /** Calls the profile covers: adds µs per call to every figure. */
  calls?: number;
  /** Functions listed by self time (default 25). */
  top?: number;
  /** Areas listed by self time (default 30). */
  areas?: number;
  /** Functions (`name` or `name@file-substring`) whose inclusive time is reported. */
  inclusive?: string[];
}

export function summarise(path: string, options: SummaryOptions = {}): string {
  const { calls, top = 25, areas = 30, inclusive = [] } = options;
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const cats = new Map<string, number>();
  const byArea = new Map<string, number>();
  const fns = new Map<string, number>();
  const incl = new Map(inclusive.map((name) => [name, 0]));
  const add = (m: Map<string, number>, key: string, us: number) => m.set(key, (m.get(key) ?? 0) + us);
  let busy = 0;
  for (const [id, us] of self) {
    const leaf = byId.get(id)!.callFrame;
    let cat = leaf.url === '' ? nativeCategory(leaf) : undefined;
    for (let cur: number | undefined = id; cat === undefined && cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      cat = CATEGORIES.find(([, test]) => test(f))?.[0];
    }
    cat ??= 'unattributed';
    add(cats, cat, us);
    if (cat === 'idle') continue;
    busy += us;
    add(byArea, area(leaf), us);
    const short = leaf.url.replace(/^.*node_modules\//, '').replace(/^.*\/packages\//, '');
    add(
      fns,
      `${leaf.functionName || '(anonymous)'} ${short}${short ? ':' + (leaf.lineNumber + 1) : ''} [${cat}]`,
      us,
    );
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url } = byId.get(cur)!.callFrame;
      for (const name of inclusive) {
        const [fn, file] = name.split('@');
        if (fn !== functionName || (file !== undefined && !url.includes(file)) || seen.has(name)) continue;
        seen.add(name);
        add(incl, name, us);
      }
    }
  }
  const per = (us: number) => (calls ? ` ${(us / calls).toFixed(1).padStart(7)} µs/call` : '');
  const fig = (us: number) =>
    `${((100 * us) / busy).toFixed(1).padStart(5)} % ${(us / 1000).toFixed(0).padStart(6)} ms${per(us)}`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const lines = [
    `busy (non-idle) CPU ${(busy / 1000).toFixed(0)} ms${calls ? ` over ${calls} calls` : ''}${per(busy)}`,
  ];
  lines.push('', 'self time by category:');
  for (const [cat, us] of sorted(cats)) if (cat !== 'idle') lines.push(`  ${fig(us)}  ${cat}`);
  lines.push('', `top ${areas} areas by self time:`);
  for (const [a, us] of sorted(byArea).slice(0, areas)) lines.push(`  ${fig(us)}  ${a}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [fn, us] of sorted(fns).slice(0, top)) lines.push(`  ${fig(us)}  ${fn}`);
  if (inclusive.length > 0) {
    lines.push('', 'inclusive time (a sample counts once per named function on its stack):');
    for (const name of inclusive) lines.push(`  ${fig(incl.get(name)!)}  ${name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const { values, positionals } = parseArgs({
    options: {
      calls: { type: 'string' },
      top: { type: 'string' },
      areas: { type: 'string' },
      incl: { type: 'string' },
    },
    allowPositionals: true,
  });
  const count = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const options: SummaryOptions = {
    calls: count(values.calls),
    top: count(values.top),
    areas: count(values.areas),
    inclusive: values.incl?.split(',').filter(Boolean),
  };
  for (const file of positionals) console.log(`== ${file}\n${summarise(file, options)}\n`);
}
