/**
 * Source of the audit SQL worker: a plain Node script (no TypeScript, no
 * workspace imports) run as `node -e <source> <better-sqlite3 path> <mirror path>`.
 * It opens the audit MIRROR read-only and answers one JSON request per stdin
 * line. Running caller SQL in its own process lets the server kill a runaway
 * statement (an endless recursive CTE, a giant blob): better-sqlite3 is built
 * without SQLite's progress handler, so nothing inside the server process could
 * interrupt it.
 */
export const AUDIT_SQL_WORKER_SOURCE = String.raw`
'use strict';
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { readonly: true, fileMustExist: true });
db.pragma('query_only = ON');
const views = process.argv[3];

function value(v) {
  if (Buffer.isBuffer(v)) return { blobBytes: v.length };
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function run(sql, maxRows, maxBytes) {
  let stmt;
  try {
    stmt = db.prepare(sql);
  } catch (e) {
    return { error: { code: 'AUDIT_SQL_INVALID', message: 'SQLite refused the statement: ' + e.message + ' (available views: ' + views + ')' } };
  }
  if (!stmt.readonly || !stmt.reader) {
    return { error: { code: 'AUDIT_SQL_NOT_READONLY', message: 'only a single read-only query that returns rows is allowed (SQLite reports this statement as writing or returning nothing)' } };
  }
  const columns = stmt.columns().map((c) => c.name);
  const rows = [];
  let bytes = 2;
  let truncatedBy;
  try {
    for (const raw of stmt.iterate()) {
      if (rows.length >= maxRows) { truncatedBy = 'rows'; break; }
      const row = {};
      for (const k of Object.keys(raw)) row[k] = value(raw[k]);
      bytes += JSON.stringify(row).length + 1;
      if (bytes > maxBytes) { truncatedBy = 'bytes'; break; }
      rows.push(row);
    }
  } catch (e) {
    return { error: { code: 'AUDIT_SQL_FAILED', message: 'SQLite refused the query: ' + e.message } };
  }
  const attached = db.prepare('SELECT name FROM pragma_database_list').all().some((d) => d.name !== 'main' && d.name !== 'temp');
  if (attached) return { fatal: true, error: { code: 'AUDIT_SQL_INTEGRITY', message: 'another database was attached to the audit SQL connection; the worker stopped' } };
  const result = { columns, rows, rowCount: rows.length, truncated: truncatedBy !== undefined };
  if (truncatedBy) result.truncatedBy = truncatedBy;
  return { result };
}

require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try { request = JSON.parse(line); } catch { return; }
  const answer = run(String(request.sql), Number(request.maxRows), Number(request.maxBytes));
  process.stdout.write(JSON.stringify({ id: request.id, ...answer }) + '\n');
  if (answer.fatal) process.exit(3);
});
process.stdin.on('end', () => process.exit(0));
`;
