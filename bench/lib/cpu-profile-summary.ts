/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) as self time per category and the
 * top self-time functions. Used for the MCP per-call profiles (docs/profiles/).
 * Run: node --import tsx bench/lib/cpu-profile-summary.ts FILE.cpuprofile [--calls N] [--top 25]
 */
import { readFileSync } from 'node:fs';

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

export function summarise(path: string, calls: number | undefined, top: number): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const leaf = byId.get(id)!.callFrame;
    let cat = leaf.url === '' ? nativeCategory(leaf) : undefined;
    for (let cur: number | undefined = id; cat === undefined && cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      cat = CATEGORIES.find(([, test]) => test(f))?.[0];
    }
    cat ??= 'unattributed';
    cats.set(cat, (cats.get(cat) ?? 0) + us);
    if (cat !== 'idle') busy += us;
    const short = leaf.url.replace(/^.*node_modules\//, '').replace(/^.*\/packages\//, '');
    const key = `${leaf.functionName || '(anonymous)'} ${short}${short ? ':' + (leaf.lineNumber + 1) : ''} [${cat}]`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const per = (us: number) => (calls ? ` ${(us / calls).toFixed(1).padStart(7)} µs/call` : '');
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const lines = [
    `busy (non-idle) CPU ${(busy / 1000).toFixed(0)} ms${calls ? ` over ${calls} calls` : ''}${per(busy)}`,
  ];
  lines.push('', 'self time by category:');
  for (const [cat, us] of [...cats].sort((a, b) => b[1] - a[1]))
    if (cat !== 'idle') lines.push(`  ${pct(us)}${per(us)}  ${cat}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [fn, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
    if (!fn.startsWith('(idle)')) lines.push(`  ${pct(us)}${per(us)}  ${fn}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : undefined;
  };
  const calls = opt('--calls');
  const top = opt('--top') ?? 25;
  for (const file of args) console.log(`== ${file}\n${summarise(file, calls, top)}\n`);
}
