import type { Usage } from './contract.js';

/** Parses JSON without throwing; `undefined` when the text is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** JSON numbers for cost become decimal strings at the boundary, never floats downstream. */
export function decimalString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return value;
  return undefined;
}

/** Non-empty lines of JSON objects; other lines are ignored. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    const parsed = tryJson(trimmed);
    if (isRecord(parsed)) out.push(parsed);
  }
  return out;
}

/** Last JSON object found in the text: whole-text parse first, then line by line. */
export function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const whole = tryJson(text.trim());
  if (isRecord(whole)) return whole;
  const lines = jsonLines(text);
  return lines[lines.length - 1];
}

export function compactUsage(usage: Usage): Usage | undefined {
  const entries = Object.entries(usage).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Usage);
}

/** Last few non-empty lines of stderr: the part that usually says what went wrong. */
export function stderrTail(stderr: string, maxChars = 2000): string {
  const trimmed = stderr.trim();
  return trimmed.length <= maxChars ? trimmed : trimmed.slice(trimmed.length - maxChars);
}

/**
 * Finds a JSON object in mixed output (pretty-printed objects span lines, and
 * CLIs print banners or warnings around them): tries the whole text, then each
 * line that starts with `{`, from the last one backwards, to the end.
 */
export function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const whole = tryJson(text.trim());
  if (isRecord(whole)) return whole;
  const starts: number[] = [];
  if (text.startsWith('{')) starts.push(0);
  for (let i = text.indexOf('\n{'); i !== -1; i = text.indexOf('\n{', i + 1)) starts.push(i + 1);
  for (let k = starts.length - 1; k >= 0; k--) {
    const candidate = tryJson(text.slice(starts[k]).trim());
    if (isRecord(candidate)) return candidate;
  }
  return lastJsonObject(text);
}

/** Cost numbers from JSON become plain decimal strings (no exponent). */
export function costString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    const plain = String(value);
    if (!/e/i.test(plain)) return plain;
    return value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
  }
  return decimalString(value);
}
