/**
 * A small RFC 4180 CSV parser, written out by hand so its behaviour is
 * exactly known: comma separator; records end in CRLF (a bare LF is also
 * accepted); fields may be quoted with `"`; inside quotes `""` is a quote and
 * commas and line breaks are data. A quote in an unquoted field, text after a
 * closing quote, or an unterminated quote is an error naming the record.
 */
export interface CsvRecord {
  /** 1-based record number (the header is record 1). */
  row: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly row: number,
    readonly reason: string,
  ) {
    super(`row ${row}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // tolerate a UTF-8 BOM
  let row = 1;
  let fieldStarted = false;

  const endField = (): void => {
    fields.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = (): void => {
    endField();
    records.push({ row, fields });
    fields = [];
    row++;
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      if (fieldStarted)
        throw new CsvSyntaxError(
          row,
          'a quote may only appear at the start of a field (or doubled inside a quoted field)',
        );
      const end = readQuoted(text, i + 1, row);
      field = end.value;
      i = end.next;
      fieldStarted = true;
      const after = text[i];
      if (after !== undefined && after !== ',' && after !== '\r' && after !== '\n') {
        throw new CsvSyntaxError(row, 'unexpected text after a closing quote');
      }
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (fieldStarted || fields.length > 0) endRecord();
  return records;
}

function readQuoted(text: string, start: number, row: number): { value: string; next: number } {
  let value = '';
  let i = start;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) throw new CsvSyntaxError(row, 'unterminated quoted field');
    value += text.slice(i, q);
    if (text[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    return { value, next: q + 1 };
  }
}
