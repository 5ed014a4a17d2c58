import fs from 'node:fs';
import path from 'node:path';
import { AuditChainError } from '../errors.js';
import { parseSignedHeadLine, signedHeadLine, type SignedHead } from './head-message.js';

/**
 * The side file: every sealed head, one JSON line each, written with
 * O_APPEND after its transaction committed. It lives outside the database,
 * so deleting the newest events and their heads from the database leaves the
 * file naming a head the chain no longer reaches (truncation). Keep it on
 * storage the database's writers cannot rewrite (chattr +a, a log shipper).
 */
export class HeadLog {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    private readonly table: string,
  ) {}

  append(head: SignedHead): void {
    if (this.fd === undefined) this.fd = openAppend(this.file);
    fs.writeSync(this.fd, signedHeadLine(this.table, head) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function openAppend(file: string): number {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const { O_CREAT, O_APPEND, O_WRONLY, O_NOFOLLOW } = fs.constants;
  try {
    return fs.openSync(file, O_CREAT | O_APPEND | O_WRONLY | (O_NOFOLLOW ?? 0), 0o600);
  } catch (err) {
    throw new AuditChainError(
      'AUDIT_INVALID_PATH',
      `cannot open head log ${file}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** What a side file holds: parsed heads of this table, and lines that are not heads. */
export interface HeadLogContents {
  heads: SignedHead[];
  badLines: number;
}

/**
 * Reads the last `tailBytes` of a side file (the newest heads are what a
 * truncation check needs; the file grows by one line per transaction).
 */
export function readHeadLog(file: string, table: string, tailBytes = 1 << 20): HeadLogContents {
  const size = fs.statSync(file).size;
  const start = Math.max(0, size - tailBytes);
  const fd = fs.openSync(file, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    text = buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
  const lines = text.split('\n');
  if (start > 0) lines.shift(); // a partial first line
  const heads: SignedHead[] = [];
  let badLines = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const h = parseSignedHeadLine(line);
    if (h === null) badLines++;
    else if (h.table === table) heads.push(h);
  }
  return { heads, badLines };
}
