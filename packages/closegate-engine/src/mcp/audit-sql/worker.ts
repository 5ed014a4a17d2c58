import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { McpSurfaceError } from '../errors.js';
import { AUDIT_VIEWS } from './views.js';
import { AUDIT_SQL_WORKER_SOURCE } from './worker-source.js';

export interface WorkerAnswer {
  id: number;
  result?: {
    columns: string[];
    rows: Record<string, unknown>[];
    rowCount: number;
    truncated: boolean;
    truncatedBy?: 'rows' | 'bytes';
  };
  error?: { code: string; message: string };
  fatal?: boolean;
}

const betterSqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * One audit SQL worker process, asked one question at a time. A question not
 * answered within the timeout kills the process (SIGKILL); the next question
 * starts a fresh one.
 */
export class AuditSqlWorker {
  #child: ChildProcessWithoutNullStreams | undefined;
  #pending:
    | {
        id: number;
        child: ChildProcessWithoutNullStreams;
        resolve: (a: WorkerAnswer) => void;
        reject: (e: Error) => void;
      }
    | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;

  constructor(
    private readonly mirrorPath: string,
    private readonly timeoutMs: number,
  ) {}

  #start(): ChildProcessWithoutNullStreams {
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=128',
        '-e',
        AUDIT_SQL_WORKER_SOURCE,
        betterSqlitePath,
        this.mirrorPath,
        AUDIT_VIEWS.join(', '),
      ],
      {
        env: {},
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    child.stderr.resume();
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as WorkerAnswer;
      if (this.#pending?.child === child && this.#pending.id === answer.id) this.#pending.resolve(answer);
    });
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
      if (this.#pending?.child === child)
        this.#pending.reject(
          new McpSurfaceError('AUDIT_SQL_FAILED', 'the audit SQL worker stopped before answering'),
        );
    });
    this.#child = child;
    return child;
  }

  #ask(sql: string, maxRows: number, maxBytes: number): Promise<WorkerAnswer> {
    const child = this.#child ?? this.#start();
    const id = this.#nextId++;
    return new Promise<WorkerAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        this.kill();
        reject(
          new McpSurfaceError(
            'AUDIT_SQL_TIMEOUT',
            `the query ran longer than ${this.timeoutMs} ms and was stopped; narrow it (WHERE, LIMIT)`,
          ),
        );
      }, this.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#pending = undefined;
      };
      this.#pending = {
        id,
        child,
        resolve: (a) => {
          done();
          resolve(a);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      child.stdin.write(`${JSON.stringify({ id, sql, maxRows, maxBytes })}\n`);
    });
  }

  /** Queues the question behind any in flight (one statement at a time per worker). */
  ask(sql: string, maxRows: number, maxBytes: number): Promise<WorkerAnswer> {
    const next = this.#queue.then(() => this.#ask(sql, maxRows, maxBytes));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  kill(): void {
    const child = this.#child;
    this.#child = undefined;
    child?.kill('SIGKILL');
  }
}
