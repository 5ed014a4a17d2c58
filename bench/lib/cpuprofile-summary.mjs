#!/usr/bin/env node
/**
 * Summarises a .cpuprofile: self time per function (top N), self time per
 * package/area, and inclusive time of named functions (`name` or
 * `name@file-substring`, e.g. `add@batch.ts`).
 *   node bench/lib/cpuprofile-summary.mjs file.cpuprofile [topN] [fn,fn,...]
 */
import fs from 'node:fs';

const [file, topArg, namesArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const label = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\/.*?\/(packages|node_modules|bench)\//, '$1/');
  return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`;
};
function area(n) {
  const f = n.callFrame;
  const u = f.url;
  if (!u) return f.functionName.startsWith('(') ? f.functionName : `native:${f.functionName}`;
  const m = u.match(/packages\/([^/]+)\/src\/([^/]+)/);
  if (m) return `${m[1]}/${m[2]}`;
  if (u.includes('node_modules/')) return `nm:${u.split('node_modules/').pop().split('/')[0]}`;
  if (u.startsWith('node:')) return u;
  return u.split('/').slice(-2).join('/');
}
const byFn = new Map();
const byArea = new Map();
for (const [id, us] of selfUs) {
  const n = nodes.get(id);
  const k = label(n);
  byFn.set(k, (byFn.get(k) ?? 0) + us);
  const a = area(n);
  byArea.set(a, (byArea.get(a) ?? 0) + us);
}
const pct = (us) =>
  `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms`;
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
console.log('\n-- self time by area --');
for (const [k, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(us)}  ${k}`);
console.log('\n-- self time by function --');
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
if (namesArg) {
  console.log('\n-- inclusive time (a sample counts once per named function on its stack) --');
  const names = namesArg.split(',');
  const incl = new Map(names.map((n) => [n, 0]));
  for (const [id, us] of selfUs) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url } = nodes.get(cur).callFrame;
      for (const name of names) {
        const [fn, file] = name.split('@');
        if (fn !== functionName || (file !== undefined && !url.includes(file)) || seen.has(name)) continue;
        seen.add(name);
        incl.set(name, incl.get(name) + us);
      }
    }
  }
  for (const n of names) console.log(`${pct(incl.get(n))}  ${n}`);
}
