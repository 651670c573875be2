/**
 * When to poll next. Pure, so the whole policy is unit-tested without clocks.
 *
 * The coordinator's budget (60 requests a minute per key by default) is shared by every poller
 * and every query of one credential, so the interval reacts to three signals: the resource's
 * status (idle resources change rarely), upstream failures (back off, honour Retry-After), and
 * the rate-limit headers (spread what is left of the window until it resets).
 */
import type { JobStatus, RateLimitInfo } from '../coordinator/domain.js';

export interface IntervalBounds {
  /** Interval while the resource is running, and the floor of every interval. */
  baseMs: number;
  /** Ceiling of every interval except an explicit Retry-After. */
  maxMs: number;
}

/** What the latest poll saw. */
export type PollOutcome =
  | { ok: true; status: JobStatus; rateLimit: RateLimitInfo | null }
  | {
      ok: false;
      /** Failures in a row, this one included (1 for the first). */
      consecutiveFailures: number;
      retryAfterSeconds: number | null;
      rateLimit: RateLimitInfo | null;
    };

/** Statuses in which nothing moves for a while: polled `IDLE_FACTOR` times slower. */
const IDLE_STATUSES: ReadonlySet<JobStatus> = new Set(['PENDING', 'QUEUED', 'PAUSED', 'PREEMPTED']);
export const IDLE_FACTOR = 3;
/** Below this share of the window's budget left, the interval stretches to last until reset. */
export const LOW_BUDGET_SHARE = 0.1;
export const JITTER = 0.15;

/**
 * The interval that keeps the remaining budget alive until the window resets, or 0 when the budget
 * is not low (or the headers are missing).
 */
export function budgetIntervalMs(rateLimit: RateLimitInfo | null): number {
  if (!rateLimit || rateLimit.limit == null || rateLimit.remaining == null || rateLimit.limit <= 0) return 0;
  if (rateLimit.remaining >= rateLimit.limit * LOW_BUDGET_SHARE) return 0;
  const resetMs = Math.max(0, (rateLimit.resetSeconds ?? 60) * 1000);
  return resetMs / Math.max(1, rateLimit.remaining);
}

/**
 * Milliseconds until the next poll. `random` in [0, 1) drives the ±15% jitter that keeps pollers
 * started together (a page of subscriptions) from hitting the coordinator in lockstep.
 */
export function nextPollDelay(outcome: PollOutcome, bounds: IntervalBounds, random: number): number {
  const { baseMs, maxMs } = bounds;
  let delay: number;
  if (outcome.ok) {
    delay = IDLE_STATUSES.has(outcome.status) ? baseMs * IDLE_FACTOR : baseMs;
  } else {
    delay = baseMs * 2 ** Math.min(outcome.consecutiveFailures, 20);
  }
  delay = Math.max(delay, budgetIntervalMs(outcome.rateLimit));
  delay *= 1 + JITTER * (2 * random - 1);
  delay = Math.min(maxMs, Math.max(baseMs, delay));
  // The coordinator said when it will answer again: asking earlier only spends budget on a 429.
  if (!outcome.ok && outcome.retryAfterSeconds != null) delay = Math.max(delay, outcome.retryAfterSeconds * 1000);
  return Math.round(delay);
}
