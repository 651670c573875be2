/**
 * The opt-in circuit breaker, one per route, kept out of the transport: the client asks it before
 * an attempt and tells it the outcome after.
 */
import { CoordinatorError } from './errors.js';

/**
 * Opt-in circuit breaker, one per route (`METHOD /template`): after `failureThreshold` consecutive
 * upstream failures of that route (network errors, timeouts, 502/503/504) its calls fail at once
 * with kind `circuit_open` for `resetTimeoutMs`; then a single probe call decides whether to close
 * it again. One failing endpoint does not take the healthy ones down with it.
 */
export interface CircuitBreakerOptions {
  /** Default 5. */
  failureThreshold?: number;
  /** Default 10000 ms. */
  resetTimeoutMs?: number;
}

/** The state of one route's circuit breaker, for `/ready` and `/metrics`. */
export interface BreakerState {
  /** `METHOD /template`, e.g. `GET /jobs/{job_id}`. */
  route: string;
  state: 'closed' | 'open' | 'half_open';
  /** Consecutive upstream failures so far. */
  failures: number;
}

/** How an attempt ended, as far as the breaker cares. */
export type BreakerOutcome = 'success' | 'upstream_failure' | 'other_failure' | 'aborted';

/** Replies that say the upstream itself is unhealthy (429 is about the caller, 500 about one request). */
const UPSTREAM_FAILURE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** True when a reply with this status counts against the route's circuit. */
export function isUpstreamFailureStatus(status: number): boolean {
  return UPSTREAM_FAILURE_STATUSES.has(status);
}

interface Breaker {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/** Route templates are a fixed set; the cap only guards against a caller passing concrete paths. */
const MAX_ROUTES = 512;

export interface Breakers {
  /** Null when a call on `route` may go out; otherwise the error to fail it with. */
  admit(method: string, route: string): CoordinatorError | null;
  record(route: string, outcome: BreakerOutcome): void;
  states(): BreakerState[];
}

/** One breaker per route; `options` undefined turns them all off. */
export function createBreakers(options: CircuitBreakerOptions | undefined): Breakers {
  const threshold = Math.max(1, options?.failureThreshold ?? 5);
  const resetMs = options?.resetTimeoutMs ?? 10_000;
  const breakers = new Map<string, Breaker>();

  function breakerOf(route: string): Breaker {
    let breaker = breakers.get(route);
    if (breaker === undefined) {
      breaker = { failures: 0, openUntil: 0, probing: false };
      if (breakers.size < MAX_ROUTES) breakers.set(route, breaker);
    }
    return breaker;
  }

  if (options === undefined) {
    return { admit: () => null, record: () => {}, states: () => [] };
  }

  return {
    admit(method, route) {
      const breaker = breakerOf(route);
      if (breaker.failures < threshold) return null;
      const now = Date.now();
      if (now >= breaker.openUntil && !breaker.probing) {
        breaker.probing = true;
        return null;
      }
      return new CoordinatorError({
        kind: 'circuit_open',
        code: 'CIRCUIT_OPEN',
        message: `${route} not attempted: the coordinator is failing on this route and its circuit is open`,
        method,
        route,
        retryAfterSeconds: Math.max(0, Math.ceil((breaker.openUntil - now) / 1000)),
      });
    },
    record(route, outcome) {
      const breaker = breakerOf(route);
      breaker.probing = false;
      if (outcome !== 'upstream_failure') {
        if (outcome !== 'aborted') breaker.failures = 0;
        return;
      }
      breaker.failures++;
      if (breaker.failures >= threshold) breaker.openUntil = Date.now() + resetMs;
    },
    states() {
      const now = Date.now();
      const out: BreakerState[] = [];
      for (const [route, breaker] of breakers) {
        const state =
          breaker.failures < threshold ? 'closed' : breaker.probing || now >= breaker.openUntil ? 'half_open' : 'open';
        out.push({ route, state, failures: breaker.failures });
      }
      return out;
    },
  };
}
