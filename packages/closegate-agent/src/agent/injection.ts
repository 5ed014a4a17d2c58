/**
 * Deterministic detector of instruction-like text inside the data the engine
 * returns (memos, descriptions, references, counterparty names). It does not
 * decide anything the gate decides; it makes sure a bypass request in the data
 * is flagged with `prompt_injection_suspected` even when the model does not flag it.
 */

const PATTERNS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\b[^.;\n]{0,40}\b(?:previous|prior|above|earlier|all|your|the)\b[^.;\n]{0,20}\b(?:instructions?|rules?|prompts?|polic(?:y|ies)|controls?)\b/i,
  /\bauto[-\s]?(?:confirm|approve)\b/i,
  /\b(?:confirm|approve)\s+(?:everything|all\b|every\b|without\b)/i,
  /\b(?:bypass|circumvent|skip|disable)\b[^.;\n]{0,30}\b(?:polic(?:y|ies)|gate|approvals?|controls?|review|sod|segregation)\b/i,
  /\b(?:this is|i am|acting as)\s+(?:the\s+)?(?:cfo|ceo|controller|auditor|admin(?:istrator)?)\b/i,
  /\b(?:you are now|new instructions|system prompt|developer mode|jailbreak)\b/i,
  /\bactor[_\s-]?id\b|\bx-actor-id\b|\bhuman:[a-z0-9._@-]+/i,
];

/** Fields of an engine entry that carry outside text. */
const TEXT_FIELDS = ['description', 'memo', 'reference', 'counterparty', 'narrative'] as const;

export interface InjectionHit {
  entryId: number;
  field: string;
  /** The full suspicious text (capped), quoted in the flag reason. */
  quote: string;
}

export function looksLikeInjection(text: string): boolean {
  return PATTERNS.some((re) => re.test(text));
}

function entryIdOf(obj: Record<string, unknown>): number | null {
  const looksLikeEntry = typeof obj.accountCode === 'string' || typeof obj.postingDate === 'string';
  const id = looksLikeEntry ? obj.id : (obj.entryId ?? obj.entry_id);
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Every entry (at any depth of a tool result) whose outside text reads like an instruction. */
export function detectInjections(value: unknown, max = 50): InjectionHit[] {
  const hits = new Map<number, InjectionHit>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || hits.size >= max || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
      return;
    }
    const obj = v as Record<string, unknown>;
    const id = entryIdOf(obj);
    if (id !== null && !hits.has(id)) {
      for (const field of TEXT_FIELDS) {
        const text = obj[field];
        if (typeof text === 'string' && looksLikeInjection(text)) {
          hits.set(id, { entryId: id, field, quote: text.slice(0, 500) });
          break;
        }
      }
    }
    for (const child of Object.values(obj)) walk(child, depth + 1);
  };
  walk(value, 0);
  return [...hits.values()];
}

export const INJECTION_REASON_PREFIX = 'prompt_injection_suspected';

/** The flag_exception reason: the code, then the exact quoted text. */
export function injectionReason(hit: InjectionHit): string {
  return `${INJECTION_REASON_PREFIX}: ${hit.field} says ${JSON.stringify(hit.quote)}`.slice(0, 2000);
}
