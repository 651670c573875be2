/**
 * What each credential has left of the coordinator's rate limit, as the latest reply seen for it
 * said (`X-Scaigrid-Ratelimit-*`). One entry per credential scope, least recently updated evicted
 * first, so a flood of distinct tokens cannot grow it past `maxEntries`.
 */
import type { RateLimitInfo } from './coordinator/domain.js';

export interface RateLimitObservation {
  limit: number | null;
  remaining: number | null;
  /** When the window frees up again, as an instant (the header gives seconds from the reply). */
  resetAt: string | null;
  /** When the reply carrying these headers arrived. */
  observedAt: string;
}

export interface RateLimitBook {
  record(credentialScope: string, info: RateLimitInfo): void;
  latest(credentialScope: string): RateLimitObservation | null;
}

export const MAX_RATE_LIMIT_ENTRIES = 10_000;

export function createRateLimitBook(maxEntries = MAX_RATE_LIMIT_ENTRIES, now: () => number = Date.now): RateLimitBook {
  // Recorded on every coordinator reply, read only by `viewer.rateLimit`: keep numbers, format on read.
  const entries = new Map<string, { info: RateLimitInfo; at: number }>();
  return {
    record(credentialScope, info) {
      // Re-inserting moves the scope to the young end of the Map's order.
      entries.delete(credentialScope);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(credentialScope, { info, at: now() });
    },
    latest(credentialScope) {
      const entry = entries.get(credentialScope);
      if (!entry) return null;
      const { info, at } = entry;
      return {
        limit: info.limit,
        remaining: info.remaining,
        resetAt: info.resetSeconds === null ? null : new Date(at + info.resetSeconds * 1000).toISOString(),
        observedAt: new Date(at).toISOString(),
      };
    },
  };
}
