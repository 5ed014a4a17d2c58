/**
 * Dates in import files: ISO `YYYY-MM-DD` always, plus one configurable
 * format such as `DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY` or `YYYYMMDD`
 * (tokens YYYY, MM, DD; any other character is a literal separator).
 * Only real calendar dates pass (31/02/2026 is refused).
 */
export interface DateParser {
  /** The ISO date, or undefined when `text` is not a real date in an accepted format. */
  parse(text: string): string | undefined;
  /** The formats accepted, for error messages. */
  readonly formats: readonly string[];
}

const ISO = 'YYYY-MM-DD';

export class DateFormatError extends Error {
  constructor(format: string) {
    super(
      `date format ${JSON.stringify(format)} must contain YYYY, MM and DD once each (e.g. DD/MM/YYYY, MM/DD/YYYY, YYYYMMDD)`,
    );
    this.name = 'DateFormatError';
  }
}

interface Compiled {
  re: RegExp;
  order: ('Y' | 'M' | 'D')[];
}

function compile(format: string): Compiled {
  const order: ('Y' | 'M' | 'D')[] = [];
  let source = '';
  let i = 0;
  while (i < format.length) {
    const rest = format.slice(i);
    if (rest.startsWith('YYYY')) {
      order.push('Y');
      source += '(\\d{4})';
      i += 4;
    } else if (rest.startsWith('MM')) {
      order.push('M');
      source += '(\\d{2})';
      i += 2;
    } else if (rest.startsWith('DD')) {
      order.push('D');
      source += '(\\d{2})';
      i += 2;
    } else {
      const ch = format[i]!;
      if (/[A-Za-z0-9]/.test(ch)) throw new DateFormatError(format);
      source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 1;
    }
  }
  if (order.length !== 3 || new Set(order).size !== 3) throw new DateFormatError(format);
  return { re: new RegExp(`^${source}$`), order };
}

function realDate(y: string, m: string, d: string): string | undefined {
  const iso = `${y}-${m}-${d}`;
  const t = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return new Date(t).toISOString().slice(0, 10) === iso ? iso : undefined;
}

/** A parser for ISO dates and, when given, `format` too. */
export function dateParser(format?: string): DateParser {
  const compiled = [compile(ISO)];
  const formats = [ISO];
  if (format !== undefined && format !== ISO) {
    compiled.push(compile(format));
    formats.push(format);
  }
  return {
    formats,
    parse(text: string): string | undefined {
      for (const c of compiled) {
        const m = c.re.exec(text);
        if (m === null) continue;
        const part = (k: 'Y' | 'M' | 'D') => m[c.order.indexOf(k) + 1]!;
        return realDate(part('Y'), part('M'), part('D'));
      }
      return undefined;
    },
  };
}
