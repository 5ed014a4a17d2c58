/**
 * Logging for every package: stderr only, so stdout stays reserved for protocol
 * frames in stdio mode. Levels filter by `MCP_LOG_LEVEL` (debug|info|warn|error|silent);
 * `MCP_LOG_FORMAT=json` switches to one JSON object per line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(name: string): Logger;
}

export type LoggerOptions = {
  level?: LogLevel | 'silent';
  format?: 'text' | 'json';
  /** Where lines go; stderr unless a test captures them. Never stdout. */
  write?: (line: string) => void;
};

const RANK: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

function levelFromEnv(): LogLevel | 'silent' {
  const raw = process.env.MCP_LOG_LEVEL?.toLowerCase();
  return raw && raw in RANK ? (raw as LogLevel | 'silent') : 'info';
}

function formatLine(
  format: 'text' | 'json',
  name: string,
  level: LogLevel,
  message: string,
  fields?: LogFields,
): string {
  const ts = new Date().toISOString();
  if (format === 'json') return JSON.stringify({ ts, level, name, msg: message, ...fields }) + '\n';
  const extra = fields && Object.keys(fields).length > 0 ? ` ${safeStringify(fields)}` : '';
  return `${ts} ${level.toUpperCase()} [${name}] ${message}${extra}\n`;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? levelFromEnv()];
  const format = options.format ?? (process.env.MCP_LOG_FORMAT === 'json' ? 'json' : 'text');
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (RANK[level] >= threshold) write(formatLine(format, name, level, message, fields));
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (sub) => createLogger(`${name}:${sub}`, { ...options, write }),
  };
}
