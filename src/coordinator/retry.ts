/**
 * When another attempt of a coordinator call may help, and how long to wait first. Kept apart from
 * the transport (as octokit keeps its retry plugin out of `request`): the client only asks.
 */
import { abortWatchers } from './abort.js';
import type { CoordinatorError } from './errors.js';

/** Retry policy for GETs (POSTs are never retried). */
export interface RetryOptions {
  /** Attempts in total, including the first. Default 3. */
  maxAttempts?: number;
  /** Base of the exponential backoff. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff sleep. Default 2000 ms. */
  maxDelayMs?: number;
  /** No attempt or sleep runs later than this long after the call started. Default 8000 ms. */
  maxTotalMs?: number;
}

/** Transport failures worth another GET attempt: the request most likely never reached a handler. */
const RETRIABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface RetryPolicy {
  /** No attempt and no sleep runs later than this long after the call started. */
  readonly maxTotalMs: number;
  /** Attempts allowed for a call: POST has no idempotency upstream, a retried submit could create a second job. */
  attempts(method: 'GET' | 'POST'): number;
  /** A reply with this status is worth another attempt. */
  retriesStatus(status: number): boolean;
  /** A transport failure with this error code (ECONNRESET, ...) is worth another attempt. */
  retriesNetworkCode(code: string | null): boolean;
  /** How long to wait after attempt number `failedAttempt` failed with `error`. */
  delayMs(failedAttempt: number, error: CoordinatorError): number;
}

export function createRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  return {
    maxTotalMs: options.maxTotalMs ?? 8000,
    attempts: (method) => (method === 'GET' ? maxAttempts : 1),
    retriesStatus: (status) => RETRY_STATUSES.has(status),
    retriesNetworkCode: (code) => code !== null && RETRIABLE_NETWORK_CODES.has(code),
    delayMs(failedAttempt, error) {
      const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempt - 1));
      // "Equal jitter": spreads synchronized retries while keeping a floor under the delay.
      const backoff = exp / 2 + Math.random() * (exp / 2);
      const retryAfterMs = error.retryAfterSeconds === null ? 0 : error.retryAfterSeconds * 1000;
      return Math.max(retryAfterMs, backoff);
    },
  };
}

/** Waits `ms`; rejects with `onAbort()` as soon as `signal` aborts (also if it already has). */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    // It may have fired while the failed attempt was being settled; its listeners are spent then.
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const watchers = signal === undefined ? null : abortWatchers(signal);
    const aborted = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      watchers?.delete(aborted);
      resolve();
    }, ms);
    watchers?.add(aborted);
  });
}
