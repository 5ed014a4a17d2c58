import type { FxRecord } from '../domain.js';
import type { AuditRow } from '../queries/desk.js';
import type { Sides } from '../queries/desk-sides.js';
import type { CliIo } from './io.js';
import { alignedRows } from './shared.js';

/** Text blocks shared by `escalations show` and `matches show`: both sides, FX, audit events. */

export function printSides(io: CliIo, sides: Sides): void {
  for (const [label, lines] of [
    [sides.leftLabel, sides.left],
    [sides.rightLabel, sides.right],
  ] as const) {
    io.out(`${label} (${lines.length} line${lines.length === 1 ? '' : 's'}):`);
    const rows = lines.map((e) => [
      `  entry ${e.id}`,
      e.postingDate,
      e.entity,
      e.accountCode,
      e.reference,
      e.description,
      e.amount,
      e.currency,
    ]);
    for (const line of alignedRows(rows, [false, false, false, false, false, false, true])) io.out(line);
  }
}

export function printFx(io: CliIo, fx: readonly FxRecord[], varianceUsd: string | null): void {
  if (fx.length === 0) io.out('FX: none (single currency)');
  for (const r of fx) io.out(`FX: 1 ${r.base} = ${r.rate} ${r.quote} (${r.source}, as of ${r.asOf})`);
  io.out(`variance (USD): ${varianceUsd ?? 'unknown (an FX rate is missing)'}`);
}

export function printAudit(io: CliIo, events: readonly AuditRow[]): void {
  io.out(`audit events (${events.length}):`);
  const rows = events.map((e) => [`  #${e.seq}`, e.ts, e.actor, e.type]);
  for (const line of alignedRows(rows)) io.out(line);
}
