/**
 * Readiness: is this instance worth routing traffic to? `server.ts` answers `/ready` with it (and
 * adds "not shutting down" itself). Ready means: the coordinator was reachable at the last probe,
 * and no route's circuit breaker is open. The probe runs at most once per `intervalMs`, however
 * often `/ready` is asked; concurrent askers share one probe.
 */
import type { Config } from './config.js';
import type { BreakerState, CircuitBreakerOptions, CoordinatorClient } from './coordinator/client.js';
import { CoordinatorError } from './coordinator/errors.js';

export interface ReadinessOptions {
  /**
   * Whether the coordinator answers. Default: `coordinatorPing(client)`. A rejection counts as
   * not reachable.
   */
  probe?: () => Promise<boolean>;
  /** The coordinator client: the default probe goes through it, and its breakers count. */
  client?: CoordinatorClient;
  /** Per-route breakers. Default: the client's. */
  breakerStates?: () => readonly BreakerState[];
  /** Probe at most this often. Default 5000 ms. */
  intervalMs?: number;
  /** Time limit of one probe. Default 2000 ms. */
  timeoutMs?: number;
  /** For tests. */
  now?: () => number;
}

/**
 * GETs `/queue` without credentials through the coordinator client (the one HTTP layer, so the
 * probe shows in metrics and feeds the route's breaker): any reply below 500 (typically 401)
 * proves the coordinator is up; a 5xx, a network error or no reply in `timeoutMs` does not.
 */
export async function coordinatorPing(client: CoordinatorClient, timeoutMs = 2_000): Promise<boolean> {
  try {
    await client.request({ method: 'GET', route: '/queue', credential: null, deadline: Date.now() + timeoutMs });
    return true;
  } catch (error) {
    return error instanceof CoordinatorError && error.kind === 'http' && error.status !== null && error.status < 500;
  }
}

/** The `ready` callback for `startServer`. */
export function createReadinessProbe(options: ReadinessOptions): () => Promise<boolean> {
  const intervalMs = options.intervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const now = options.now ?? Date.now;
  const probe =
    options.probe ??
    (() => {
      if (!options.client) throw new Error('createReadinessProbe needs a probe or a client');
      return coordinatorPing(options.client, timeoutMs);
    });
  let last: { at: number; reachable: boolean } | null = null;
  let inFlight: Promise<boolean> | null = null;

  const reachable = (): Promise<boolean> => {
    if (last !== null && now() - last.at < intervalMs) return Promise.resolve(last.reachable);
    inFlight ??= probe()
      .catch(() => false)
      .then((result) => {
        last = { at: now(), reachable: result };
        inFlight = null;
        return result;
      });
    return inFlight;
  };

  return async () => {
    const states = options.breakerStates?.() ?? options.client?.breakerStates?.() ?? [];
    const breakerOpen = states.some((breaker) => breaker.state === 'open');
    if (breakerOpen) return false;
    return reachable();
  };
}

/** The client's breaker options from the configuration: undefined (off) when the threshold is 0. */
export function breakerOptions(config: Config): CircuitBreakerOptions | undefined {
  if (config.breakerThreshold === 0) return undefined;
  return { failureThreshold: config.breakerThreshold, resetTimeoutMs: config.breakerResetMs };
}
