import type { CsvImportError } from '../errors.js';

/** Every bad row of a rejected file, one line each (the error message itself stops at 20). */
export function listRowErrors(err: CsvImportError): string {
  const lines = err.rowErrors.map((e) => `  row ${e.row}: ${e.reason}`);
  return `CSV rejected, nothing imported (${err.rowErrors.length} problem(s)):\n${lines.join('\n')}`;
}
