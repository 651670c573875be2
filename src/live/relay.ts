/**
 * One job stream's upstream reader: connect, pass on what arrives, resume after a drop.
 *
 * The coordinator may close a stream at any time. The relay reconnects with `Last-Event-ID` set to
 * the newest sequence it passed on, and drops anything not newer than that, so a reader never
 * loses or repeats an item across reconnects. It knows nothing about subscribers, channels or
 * leases; the stream topics start it on the instance that holds the lease.
 */
import type { GraphQLError } from 'graphql';
import type { StreamChunk, StreamPosition } from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { fromCoordinatorError, gatewayError } from '../errors.js';
import { isPermanentFailure } from './upstream.js';

/**
 * True when sequence `a` comes after `b`. Sequences are rising numbers sent as text; compared as
 * numbers of any size. Ids that are not numbers cannot be ordered: only an equal one is "not newer".
 */
export function isNewer(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return true;
  const digits = /^\d+$/;
  if (!digits.test(a) || !digits.test(b)) return a !== b;
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length !== y.length ? x.length > y.length : x > y;
}

export interface RelayOptions<T extends { sequence: string | null }> {
  open(position: StreamPosition, signal: AbortSignal): Promise<AsyncIterable<StreamChunk<T>>>;
  /** The newest sequence already passed on (by a previous holder), or null to start with `tail`. */
  since: string | null;
  /** Items to start with when there is no `since` (logs' tail; ignored by metrics). */
  tail: number;
  idleTimeoutMs: number;
  /** Reconnect delays: `baseMs` after a drop, doubling while nothing gets through, up to `maxMs`. */
  backoff: { baseMs: number; maxMs: number };
  /** No successful connection for this long ends the relay with UPSTREAM_UNAVAILABLE. */
  giveUpMs: number;
  /** Items newer than anything passed on before, in order. */
  onItems(items: T[]): void;
  /**
   * The current connection has delivered its backlog: the `tail` it asked for in full, or a burst
   * followed by `settleMs` of quiet (a job with fewer items, or a resume), or the end.
   */
  onCaughtUp(): void;
  /** Quiet after the latest chunk that marks the end of a backlog smaller than asked for. */
  settleMs: number;
  /** The job is terminal: the relay has stopped. */
  onDone(): void;
  /** A permanent failure or the give-up: the relay has stopped. */
  onFatal(error: GraphQLError): void;
  onFailure?(error: unknown, consecutiveFailures: number): void;
  random?: () => number;
}

export interface Relay {
  start(): void;
  /** Closes the connection and cancels a pending reconnect; idempotent. */
  stop(): void;
  readonly running: boolean;
}

export function createRelay<T extends { sequence: string | null }>(options: RelayOptions<T>): Relay {
  const random = options.random ?? Math.random;
  let running = false;
  let lastSequence = options.since;
  /** Items arrived without a sequence: a resume cannot name where to start, so it takes no backlog. */
  let unsequenced = false;
  let controller: AbortController | null = null;
  let sleeping: { timer: ReturnType<typeof setTimeout>; wake: () => void } | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleeping = null;
        resolve();
      }, ms);
      sleeping = { timer, wake: resolve };
    });

  const position = (): StreamPosition => {
    if (lastSequence !== null) return { since: lastSequence, idleTimeoutMs: options.idleTimeoutMs };
    return { since: null, tail: unsequenced ? 0 : options.tail, idleTimeoutMs: options.idleTimeoutMs };
  };

  async function run(): Promise<void> {
    let failures = 0;
    let failingSince: number | null = null;
    let quietDrops = 0;
    while (running) {
      const current = new AbortController();
      controller = current;
      let progressed = false;
      let retryAfterMs = 0;
      try {
        const stream = await options.open(position(), current.signal);
        if (!running) return;
        failures = 0;
        failingSince = null;
        const asked = position().since === null ? options.tail : null;
        let received = 0;
        let caughtUp = false;
        const catchUp = () => {
          if (caughtUp || !running) return;
          caughtUp = true;
          options.onCaughtUp();
        };
        let settle = setTimeout(catchUp, options.settleMs);
        try {
          for await (const chunk of stream) {
            if (!running) return;
            clearTimeout(settle);
            received += chunk.items.length;
            const fresh: T[] = [];
            for (const item of chunk.items) {
              if (item.sequence === null) unsequenced = true;
              else if (!isNewer(item.sequence, lastSequence)) continue;
              else lastSequence = item.sequence;
              fresh.push(item);
            }
            if (fresh.length > 0) {
              progressed = true;
              options.onItems(fresh);
            }
            if (chunk.done) {
              catchUp();
              running = false;
              options.onDone();
              return;
            }
            if (asked !== null && received >= asked) catchUp();
            else settle = setTimeout(catchUp, options.settleMs);
          }
        } finally {
          clearTimeout(settle);
        }
        // Ended without [DONE]: the coordinator closed it, which it may do at any time.
        if (!running) return;
        options.onFailure?.(new Error('stream closed by the coordinator'), 0);
      } catch (error) {
        if (!running || current.signal.aborted) return;
        if (isPermanentFailure(error)) {
          running = false;
          options.onFatal(fromCoordinatorError(error));
          return;
        }
        failures++;
        failingSince ??= Date.now();
        // The coordinator said when it will answer again: asking earlier only spends budget.
        if (error instanceof CoordinatorError && error.retryAfterSeconds !== null) {
          retryAfterMs = error.retryAfterSeconds * 1000;
        }
        options.onFailure?.(error, failures);
        if (Date.now() - failingSince >= options.giveUpMs) {
          running = false;
          options.onFatal(
            gatewayError(
              'UPSTREAM_UNAVAILABLE',
              'The training coordinator’s stream has been unavailable for too long; subscribe again later.',
            ),
          );
          return;
        }
      }
      quietDrops = progressed ? 0 : quietDrops + 1;
      // A drop right after progress resumes at once; repeated drops without progress back off.
      const exponent = Math.max(0, Math.max(failures, quietDrops) - 1);
      const base = progressed
        ? 0
        : Math.min(options.backoff.maxMs, options.backoff.baseMs * 2 ** Math.min(exponent, 20));
      const delay = Math.max(base * (0.85 + 0.3 * random()), retryAfterMs);
      if (delay > 0) await sleep(delay);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      void run().catch((error: unknown) => {
        // run() handles its own failures; this only guards against a bug turning into an unhandled rejection.
        running = false;
        options.onFatal(
          error instanceof CoordinatorError ? fromCoordinatorError(error) : gatewayError('INTERNAL_SERVER_ERROR'),
        );
      });
    },
    stop() {
      running = false;
      controller?.abort();
      controller = null;
      if (sleeping) {
        clearTimeout(sleeping.timer);
        sleeping.wake();
        sleeping = null;
      }
    },
    get running() {
      return running;
    },
  };
}
