import type { CoordinatorApi } from './coordinator/api.js';
import type { IdempotencyStore } from './idempotency.js';
import type { LiveHub } from './live/hub.js';
import type { Logger } from './log.js';
import type { RateLimitBook } from './rate-limits.js';

/**
 * What every resolver gets, per operation (HTTP request or WebSocket subscribe), built by
 * `createGateway`'s context factory. Nothing here outlives the operation except the shared stores,
 * which key everything by `credentialScope`.
 */
export interface Context {
  requestId: string;
  /** The coordinator, bound to the caller's credential, abort signal and deadline. */
  api: CoordinatorApi;
  /**
   * A stable, non-reversible digest of the caller's credential: the key under which anything
   * shared across operations (pollers, idempotency records) is kept, so no caller ever sees what
   * was read or written with another credential.
   */
  credentialScope: string;
  /** The caller's Authorization value (null when unauthenticated): subscriptions poll with it. */
  credential: string | null;
  live: LiveHub;
  idempotency: IdempotencyStore;
  /** The latest rate-limit headers seen per credential scope (`viewer.rateLimit`). */
  rateLimits: RateLimitBook;
  log: Logger;
  /** What `operationMemo` keeps for this operation; see there. */
  memo: Map<symbol, unknown>;
}

/**
 * A value made once per operation on first use (its loaders, say) and dropped with the context.
 *
 * Kept on the context itself, not in a WeakMap keyed by it: V8's young-generation GC keeps the
 * values of WeakMap entries whose keys are young, so a value that reaches its key (a DataLoader
 * bound to its context) survives every scavenge until a full GC. With the loaders of Pothos's
 * dataloader plugin in such WeakMaps, every request's whole object graph was promoted to the old
 * generation, and GC took a sixth of the gateway's CPU (bench/README.md, "The hot path").
 */
export function operationMemo<T>(create: (context: Context) => T): (context: Context) => T {
  const key = Symbol();
  return (context) => {
    let value = context.memo.get(key) as T | undefined;
    if (value === undefined) {
      value = create(context);
      context.memo.set(key, value);
    }
    return value;
  };
}
