import { absBig } from '../prepare.js';
import { calendarReach, hold, inWindow, openOf, textAgrees, type PassContext } from './context.js';
import { textOf, type V2Line } from './line.js';
import { partyVerdict } from './tests.js';

/** Words that mark a line as undoing an earlier one (ACH return codes R01..R99 too). */
const REVERSAL_WORDS = new Set([
  'rev',
  'reversal',
  'reverse',
  'reversed',
  'void',
  'voided',
  'return',
  'returned',
  'chargeback',
  'cancel',
  'cancelled',
  'canceled',
  'storno',
  'nsf',
  'recall',
  'refund',
  '取消',
  '取消し',
  '組戻',
  '組戻し',
  'キャンセル',
  'クミモドシ',
]);
const ACH_RETURN_CODE = /^r\d\d$/;

/**
 * A return or void usually quotes the original's trace, check or invoice
 * number somewhere in its narrative rather than in the reference field: the
 * two lines share a document number (4+ significant digits, not a year),
 * compared whole.
 */
function sharesDocumentNumber(x: V2Line, y: V2Line, c: PassContext): boolean {
  if (partyVerdict(x, y, c.text) === 'disagree') return false;
  const nx = documentNumbers(x, c);
  if (nx.length === 0) return false;
  for (const n of documentNumbers(y, c)) if (nx.includes(n)) return true;
  return false;
}

function documentNumbers(l: V2Line, c: PassContext): string[] {
  const out: string[] = [];
  for (const t of textOf(l, c.text).all)
    for (const run of t.match(/\d+/g) ?? []) {
      const n = run.replace(/^0+/, '');
      if (n.length >= 4 && !/^(19|20)\d\d$/.test(n)) out.push(n);
    }
  return out;
}

/** A cheap look at the raw text before any tokenizing: most lines carry no reversal word at all. */
const MAYBE_REVERSAL =
  /rev|void|return|chargeback|cancel|storno|nsf|recall|refund|\br\d\d\b|取消|組戻|キャンセル|クミモドシ|ｸﾐﾓﾄﾞｼ/i;

export function isReversal(l: V2Line, c: PassContext): boolean {
  const e = l.entry;
  if (!MAYBE_REVERSAL.test(e.reference) && !MAYBE_REVERSAL.test(e.description)) return false;
  for (const t of textOf(l, c.text).all) if (REVERSAL_WORDS.has(t) || ACH_RETURN_CODE.test(t)) return true;
  return false;
}

/**
 * Net-zero pairs on one side: a line marked as a reversal (void, return,
 * storno, 取消, an ACH return code) and the one earlier line of the opposite
 * amount it refers to (the rule's reference and counterparty tests), inside
 * the window. Only a unique pairing is matched; a reversal that could undo
 * several lines is held as ambiguous.
 */
export function netZeroPass(lines: readonly V2Line[], c: PassContext): void {
  const open = openOf(lines);
  if (open.length < 2) return;
  const reversals = open.filter((x) => x.minor !== 0n && isReversal(x, c));
  if (reversals.length === 0) return;
  const reach = calendarReach(c.rule, c.cal);
  // only lines whose amount some reversal undoes are indexed
  const undone = new Set(reversals.map((x) => -x.minor));
  const byKey = new Map<string, V2Line[]>();
  for (const l of open) {
    if (!undone.has(l.minor)) continue;
    const k = `${l.currency}|${l.minor}`;
    const b = byKey.get(k);
    if (b === undefined) byKey.set(k, [l]);
    else b.push(l);
  }
  const wanted = new Map<V2Line, V2Line[]>();
  const picks: [V2Line, V2Line[]][] = [];
  for (const x of reversals) {
    const originals = (byKey.get(`${x.currency}|${-x.minor}`) ?? []).filter(
      (y) =>
        y !== x &&
        (y.day < x.day || (y.day === x.day && y.id < x.id)) &&
        x.day - y.day <= reach &&
        inWindow(x, y, c.rule) &&
        !isReversal(y, c) &&
        (textAgrees(x, y, c, true) || sharesDocumentNumber(x, y, c)),
    );
    if (originals.length === 0) continue;
    picks.push([x, originals]);
    for (const y of originals) {
      const w = wanted.get(y);
      if (w === undefined) wanted.set(y, [x]);
      else w.push(x);
    }
  }
  for (const [x, originals] of picks) {
    if (x.taken || x.held) continue;
    const y = originals[0]!;
    if (originals.length === 1 && wanted.get(y)!.length === 1) {
      const why = `reversal of an earlier line of ${absBig(y.minor) === absBig(x.minor) ? 'the same' : 'opposite'} amount on the same side; nets to zero`;
      c.sink.emit('many_to_one', c.rule.name, y, [x], 0.85, why, false);
      continue;
    }
    const involved = new Set<V2Line>([x, ...originals]);
    for (const o of originals) for (const w of wanted.get(o)!) involved.add(w);
    hold([...involved], c.rule.name);
  }
}
