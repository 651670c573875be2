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
}
