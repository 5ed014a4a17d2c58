import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { QuerySandboxError, type QueryErrorKind } from './errors.js';
import { SQL_WORKER_SOURCE } from './worker-source.js';

export interface QueryRows {
  columns: string[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  /** Why the result was cut: the row cap or the byte cap. */
  truncatedBy?: 'rows' | 'bytes';
}

interface WorkerAnswer {
  id: number;
  result?: QueryRows;
  error?: { code: string; kind: QueryErrorKind; message: string };
  fatal?: boolean;
}

export interface WorkerQuestion {
  readonly db: string;
  readonly sql: string;
  readonly maxRows: number;
  readonly maxBytes: number;
}

const betterSqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * One SQL worker process, asked one question at a time. A question not
 * answered within the time budget kills the process (SIGKILL): the statement
 * dies with it, the parent's event loop never ran it. The next question starts
 * a fresh process. The child gets an empty environment and a small heap.
 */
export class SqlWorker {
  #child: ChildProcessWithoutNullStreams | undefined;
  #pending:
    | { id: number; child: ChildProcessWithoutNullStreams; settle: (a: WorkerAnswer | Error) => void }
    | undefined;
  #nextId = 1;

  constructor(
    private readonly opts: { timeoutMs: number; codePrefix: string; hint: string; maxHeapMb: number },
  ) {}

  /** True while a question is in flight. */
  get busy(): boolean {
    return this.#pending !== undefined;
  }

  #start(): ChildProcessWithoutNullStreams {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${this.opts.maxHeapMb}`,
        '-e',
        SQL_WORKER_SOURCE,
        betterSqlitePath,
        this.opts.codePrefix,
        this.opts.hint,
      ],
      { env: {}, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    child.stderr.resume();
    // A write to a worker that just died is answered by its exit handler, not by a crash here.
    child.stdin.on('error', () => undefined);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: WorkerAnswer;
      try {
        answer = JSON.parse(line) as WorkerAnswer;
      } catch {
        return;
      }
      if (this.#pending?.child === child && this.#pending.id === answer.id) this.#pending.settle(answer);
    });
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
      if (this.#pending?.child === child) {
        const p = this.opts.codePrefix;
        this.#pending.settle(
          new QuerySandboxError(`${p}_WORKER`, 'the SQL worker stopped before answering', 'WORKER'),
        );
      }
    });
    this.#child = child;
    return child;
  }

  /** Runs one question; rejects with `<prefix>_TIMEOUT` (process killed) or the worker's own error. */
  ask(q: WorkerQuestion): Promise<QueryRows> {
    if (this.#pending !== undefined) throw new Error('SqlWorker.ask: one question at a time');
    const child = this.#child ?? this.#start();
    const id = this.#nextId++;
    const p = this.opts.codePrefix;
    return new Promise<QueryRows>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        this.kill();
        reject(
          new QuerySandboxError(
            `${p}_TIMEOUT`,
            `the query ran longer than ${this.opts.timeoutMs} ms and was stopped; narrow it (WHERE, LIMIT)`,
            'TIMEOUT',
          ),
        );
      }, this.opts.timeoutMs);
      this.#pending = {
        id,
        child,
        settle: (answer) => {
          clearTimeout(timer);
          this.#pending = undefined;
          if (answer instanceof Error) return reject(answer);
          if (answer.result !== undefined) return resolve(answer.result);
          const e = answer.error ?? { code: `${p}_FAILED`, kind: 'FAILED' as const, message: 'no answer' };
          if (answer.fatal === true) this.kill();
          reject(new QuerySandboxError(e.code, e.message, e.kind));
        },
      };
      child.stdin.write(`${JSON.stringify({ id, ...q })}\n`);
    });
  }

  kill(): void {
    const child = this.#child;
    this.#child = undefined;
    child?.kill('SIGKILL');
  }
}
