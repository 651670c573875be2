/**
 * Structured JSON logs, one object per line. Callers pass facts as fields, never credentials:
 * nothing in the gateway hands an Authorization value to the logger.
 */
import type { LogLevel } from './config.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Errors are not JSON-serialisable; keep what helps an operator (name, message, code, stack). */
function serialise(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = { name: value.name, message: value.message };
  const code = (value as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (value.stack) out.stack = value.stack;
  if (value.cause !== undefined) out.cause = serialise(value.cause);
  return out;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void,
  bindings: Record<string, unknown> = {},
): Logger {
  const min = RANK[level];
  const emit = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < min) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg: message, ...bindings };
    if (fields) for (const [key, value] of Object.entries(fields)) record[key] = serialise(value);
    write(JSON.stringify(record));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger(level, write, { ...bindings, ...fields }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
