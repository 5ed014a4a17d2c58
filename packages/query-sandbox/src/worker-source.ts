/**
 * Source of the SQL worker: a plain Node script (no TypeScript, no workspace
 * imports) run as `node -e <source> <better-sqlite3 path> <code prefix> <hint>`.
 * It answers one JSON request per stdin line, each naming the database file
 * to open READ-ONLY (plus query_only) for that one statement. Running caller
 * SQL in its own process lets the parent kill a runaway statement (an endless
 * recursive CTE, a giant blob): better-sqlite3 has no progress handler or
 * interrupt, so nothing inside the parent could stop it.
 */
export const SQL_WORKER_SOURCE = String.raw`
'use strict';
const Database = require(process.argv[1]);
const prefix = process.argv[2];
const hint = process.argv[3] || '';

function value(v) {
  if (Buffer.isBuffer(v)) return { blobBytes: v.length };
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function run(dbPath, sql, maxRows, maxBytes) {
  let db;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
  } catch (e) {
    return { error: { code: prefix + '_FAILED', kind: 'FAILED', message: 'the query database could not be opened: ' + e.message } };
  }
  try {
    let stmt;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      return { error: { code: prefix + '_INVALID', kind: 'INVALID', message: 'SQLite refused the statement: ' + e.message + hint } };
    }
    if (!stmt.readonly || !stmt.reader) {
      return { error: { code: prefix + '_NOT_READONLY', kind: 'NOT_READONLY', message: 'only a single read-only query that returns rows is allowed (SQLite reports this statement as writing or returning nothing)' } };
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
      return { error: { code: prefix + '_FAILED', kind: 'FAILED', message: 'SQLite refused the query: ' + e.message } };
    }
    const attached = db.prepare('SELECT name FROM pragma_database_list').all().some((d) => d.name !== 'main' && d.name !== 'temp');
    if (attached) return { fatal: true, error: { code: prefix + '_INTEGRITY', kind: 'INTEGRITY', message: 'another database was attached to the query connection; the worker stopped' } };
    const result = { columns, rows, rowCount: rows.length, truncated: truncatedBy !== undefined };
    if (truncatedBy) result.truncatedBy = truncatedBy;
    return { result };
  } finally {
    db.close();
  }
}

require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try { request = JSON.parse(line); } catch { return; }
  const answer = run(String(request.db), String(request.sql), Number(request.maxRows), Number(request.maxBytes));
  process.stdout.write(JSON.stringify({ id: request.id, ...answer }) + '\n');
  if (answer.fatal) process.exit(3);
});
process.stdin.on('end', () => process.exit(0));
`;
