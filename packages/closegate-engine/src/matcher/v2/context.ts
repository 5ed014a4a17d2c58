import type { MatchingRule } from '../rules.js';
import type { Calendar } from './calendar.js';
import type { TextContext, V2Line } from './line.js';
import type { V2Sink } from './sink.js';
import { invoicesConflict, partyVerdict, referenceAgrees } from './tests.js';

/** What one rule's pass over one pair of sides needs. */
export interface PassContext {
  rule: MatchingRule;
  text: TextContext;
  cal: Calendar;
  sink: V2Sink;
  /** Intercompany: the right side's amounts are negated (offsets compare equal). */
  intercompany: boolean;
  /** Most candidates a group search combines. */
  groupCandidates: number;
}

/** Lines still open for matching (not taken, not held as ambiguous, valued). */
export function openOf(lines: readonly V2Line[]): readonly V2Line[] {
  const isOpen = (l: V2Line): boolean => !l.taken && !l.held && l.fxError === undefined;
  let i = 0;
  while (i < lines.length && isOpen(lines[i]!)) i++;
  // all open (every line before the first rule, and a side just refreshed): the lines themselves, no copy
  if (i === lines.length) return lines;
  const out = lines.slice(0, i);
  for (i++; i < lines.length; i++) if (isOpen(lines[i]!)) out.push(lines[i]!);
  return out;
}

/**
 * The lines still open after a rule. A line taken by a proposal is never
 * looked at again (later rules and the explanation skip taken lines), so
 * its text features are dropped here rather than kept to the end of the
 * match: on a large book they were a few hundred bytes per line that had
 * needed its narrative. textOf would rebuild them the same if ever asked.
 */
export function stillOpen(lines: readonly V2Line[]): readonly V2Line[] {
  for (const l of lines) if (l.taken) l.text = undefined;
  return openOf(lines);
}

export function inWindow(a: V2Line, b: V2Line, rule: MatchingRule): boolean {
  const gap = rule.date.unit === 'business' ? Math.abs(a.bday - b.bday) : Math.abs(a.day - b.day);
  return gap <= rule.date.days;
}

/** Calendar days either side a rule's window can reach. */
export function calendarReach(rule: MatchingRule, cal: Calendar): number {
  return rule.date.unit === 'business' ? cal.calendarSpan(rule.date.days) : rule.date.days;
}

/**
 * The rule's text tests between two lines: a reference test passes (or, for a
 * rule with none, the lines do not name different invoices), and the
 * counterparties do not contradict each other (`agree`: they must positively
 * agree). A one-to-one pair on amount and date alone (no reference test)
 * under `agree_or_absent` needs the names to agree or neither line to name
 * one: a name on one side that the other does not mention is not enough.
 * Groups without a reference test rely on the unique subset instead and only
 * refuse contradicting names.
 */
export function textAgrees(a: V2Line, b: V2Line, c: PassContext, group = false): boolean {
  const { rule, text } = c;
  const noRef = rule.text.reference.length === 0;
  if (!noRef) {
    if (!referenceAgrees(a, b, rule.text.reference, rule, text)) return false;
  } else if (invoicesConflict(a, b, text)) return false;
  const cp = rule.text.counterparty;
  // intercompany: the account pair names both parties (each side's counterparty is the other entity)
  if (cp === 'ignore' || c.intercompany) return true;
  // only two named parties can contradict each other: where that is all that is asked, skip the verdict
  const onlyContradiction = cp === 'agree_or_absent' && (!noRef || group);
  if (onlyContradiction && (a.entry.counterparty === '' || b.entry.counterparty === '')) return true;
  const v = partyVerdict(a, b, text);
  if (cp === 'agree') return v === 'agree';
  if (noRef && !group) return v === 'agree' || v === 'absent';
  return v !== 'disagree';
}

/** Marks lines ambiguous under `rule`, remembering the competing lines for the human. */
export function hold(lines: readonly V2Line[], rule: string): void {
  const ids = lines.map((l) => l.id).sort((a, b) => a - b);
  for (const l of lines) {
    if (l.taken) continue;
    const merged = new Set([...(l.held?.with ?? []), ...ids.filter((id) => id !== l.id)]);
    l.held = { rule: l.held?.rule ?? rule, with: [...merged].sort((a, b) => a - b) };
  }
}
