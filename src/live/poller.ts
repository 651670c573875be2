/**
 * One resource's polling loop: fetch, report, decide when to fetch again. It knows nothing about
 * subscribers, channels or leases; the hub starts it on the instance that holds the lease.
 */
import type { GraphQLError } from 'graphql';
import type { RateLimitInfo } from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { fromCoordinatorError, gatewayError } from '../errors.js';
import { type IntervalBounds, nextPollDelay } from './policy.js';
import { snapshotOf } from './snapshot.js';
import type { Snapshot, WatchedKind, WatchedResource } from './types.js';
import { isPermanentFailure } from './upstream.js';

export interface PollerOptions<K extends WatchedKind> {
  kind: K;
  fetch: (signal: AbortSignal) => Promise<{ value: WatchedResource[K]; rateLimit: RateLimitInfo | null }>;
  bounds: IntervalBounds;
  /** Continuous failure for this long ends the poller with UPSTREAM_UNAVAILABLE. */
  giveUpMs: number;
  /** Every successful poll, changed or not. After a terminal snapshot the poller has stopped. */
  onPoll(snapshot: Snapshot<K>): void;
  /** A permanent failure or the give-up; the poller has stopped. */
  onFatal(error: GraphQLError): void;
  /** A transient failure, for logs; the poller carries on. */
  onFailure?(error: unknown, consecutiveFailures: number): void;
  random?: () => number;
  now?: () => number;
}

export interface Poller {
  /** Polls at once, then on the policy's schedule. */
  start(): void;
  /** Cancels the pending timer and aborts a poll in flight; idempotent. */
  stop(): void;
  readonly running: boolean;
}

export function createPoller<K extends WatchedKind>(options: PollerOptions<K>): Poller {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: AbortController | null = null;
  let failures = 0;
  let failingSince: number | null = null;

  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      timer = null;
      void poll();
    }, delay);
  };

  const finish = () => {
    running = false;
    if (timer) clearTimeout(timer);
    timer = null;
  };

  async function poll(): Promise<void> {
    if (!running) return;
    const startedAt = now();
    const controller = new AbortController();
    inFlight = controller;
    let result: Awaited<ReturnType<PollerOptions<K>['fetch']>>;
    try {
      result = await options.fetch(controller.signal);
    } catch (error) {
      if (inFlight === controller) inFlight = null;
      if (!running || controller.signal.aborted) return;
      onError(error, startedAt);
      return;
    }
    if (inFlight === controller) inFlight = null;
    if (!running || controller.signal.aborted) return;
    failures = 0;
    failingSince = null;
    const snapshot = snapshotOf(options.kind, result.value);
    if (snapshot.terminal) finish();
    options.onPoll(snapshot);
    if (!running) return;
    schedule(
      nextPollDelay({ ok: true, status: snapshot.value.status, rateLimit: result.rateLimit }, options.bounds, random()),
    );
  }

  function onError(error: unknown, startedAt: number): void {
    if (isPermanentFailure(error)) {
      finish();
      options.onFatal(fromCoordinatorError(error));
      return;
    }
    failures++;
    failingSince ??= startedAt;
    options.onFailure?.(error, failures);
    const elapsed = now() - failingSince;
    if (elapsed >= options.giveUpMs) {
      finish();
      options.onFatal(
        gatewayError(
          'UPSTREAM_UNAVAILABLE',
          'The training coordinator has been unavailable for too long; subscribe again later.',
        ),
      );
      return;
    }
    const coordinatorError = error instanceof CoordinatorError ? error : null;
    const delay = nextPollDelay(
      {
        ok: false,
        consecutiveFailures: failures,
        retryAfterSeconds: coordinatorError?.retryAfterSeconds ?? null,
        rateLimit: coordinatorError?.rateLimit ?? null,
      },
      options.bounds,
      random(),
    );
    // The last attempt lands on the give-up deadline rather than a whole backoff after it.
    schedule(Math.max(0, Math.min(delay, options.giveUpMs - elapsed)));
  }

  return {
    start() {
      if (running) return;
      running = true;
      void poll();
    },
    stop() {
      finish();
      inFlight?.abort();
      inFlight = null;
    },
    get running() {
      return running;
    },
  };
}
