import type Database from 'better-sqlite3';

/**
 * Consistency of recon state, checked after crashes, fuzzing and load:
 * every match has lines, a confirmed match's lines are matched, a live
 * (proposed / pending) match's lines are proposed, no entry is in two live
 * matches, every matched or proposed entry belongs to exactly one match in the
 * corresponding state. Returns human-readable violations (empty = consistent).
 */
export function reconInvariantViolations(db: Database.Database): string[] {
  const out: string[] = [];
  const matches = db.prepare('SELECT id, state FROM matches').all() as { id: number; state: string }[];
  const lines = db.prepare('SELECT match_id, entry_id FROM match_lines').all() as {
    match_id: number;
    entry_id: number;
  }[];
  const entries = new Map(
    (db.prepare('SELECT id, state FROM entries').all() as { id: number; state: string }[]).map((e) => [
      e.id,
      e.state,
    ]),
  );
  const linesOf = new Map<number, number[]>();
  for (const l of lines) linesOf.set(l.match_id, [...(linesOf.get(l.match_id) ?? []), l.entry_id]);
  const holder = new Map<number, { matchId: number; state: string }>();
  for (const m of matches) {
    const ids = linesOf.get(m.id) ?? [];
    if (ids.length < 2) out.push(`match ${m.id} (${m.state}) has ${ids.length} line(s)`);
    const wanted = m.state === 'confirmed' ? 'matched' : m.state === 'rejected' ? undefined : 'proposed';
    for (const id of ids) {
      const st = entries.get(id);
      if (st === undefined) out.push(`match ${m.id} points at missing entry ${id}`);
      if (wanted === undefined) continue;
      if (st !== wanted) out.push(`match ${m.id} is ${m.state} but entry ${id} is ${st}`);
      const prior = holder.get(id);
      if (prior !== undefined) out.push(`entry ${id} is in live matches ${prior.matchId} and ${m.id}`);
      holder.set(id, { matchId: m.id, state: m.state });
    }
  }
  for (const [id, st] of entries) {
    if ((st === 'matched' || st === 'proposed') && !holder.has(id))
      out.push(`entry ${id} is ${st} but belongs to no live or confirmed match`);
  }
  const openExc = db.prepare("SELECT entry_id FROM exceptions WHERE state = 'open'").all() as {
    entry_id: number;
  }[];
  for (const x of openExc) {
    const st = entries.get(x.entry_id);
    if (st !== 'exception') out.push(`open exception on entry ${x.entry_id} which is ${st}`);
  }
  return out;
}
