/**
 * Readiness: is this instance worth routing traffic to? `server.ts` answers `/ready` with it (and
 * adds "not shutting down" itself). Ready means: the coordinator was reachable at the last probe,
 * and no route's circuit breaker is open. The probe runs at most once per `intervalMs`, however
 * often `/ready` is asked; concurrent askers share one probe.
 */
import type { Config } from './config.js';
import type { BreakerState, CircuitBreakerOptions } from './coordinator/client.js';

export interface ReadinessOptions {
  /**
   * Whether the coordinator answers. Default: `coordinatorPing(baseUrl)`. Must not throw; a
   * rejection counts as not reachable.
   */
  probe?: () => Promise<boolean>;
  /** The coordinator base URL, for the default probe. */
  baseUrl?: string;
  /** The client's per-route breakers (`client.breakerStates`). */
  breakerStates?: () => readonly BreakerState[];
  /** Probe at most this often. Default 5000 ms. */
  intervalMs?: number;
  /** Time limit of one probe. Default 2000 ms. */
  timeoutMs?: number;
  /** For tests. */
  now?: () => number;
}

/**
 * GETs the coordinator base URL without credentials: any HTTP reply below 500 (typically 401 or
 * 404) proves it is up; a 5xx, a network error or no reply in `timeoutMs` does not.
 */
export async function coordinatorPing(baseUrl: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/queue`, {
      method: 'GET',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status < 500;
  } catch {
    return false;
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
      if (!options.baseUrl) throw new Error('createReadinessProbe needs a probe or a baseUrl');
      return coordinatorPing(options.baseUrl, timeoutMs);
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
    const breakerOpen = options.breakerStates?.().some((breaker) => breaker.state === 'open') ?? false;
    if (breakerOpen) return false;
    return reachable();
  };
}

/** The client's breaker options from the configuration: undefined (off) when the threshold is 0. */
export function breakerOptions(config: Config): CircuitBreakerOptions | undefined {
  if (config.breakerThreshold === 0) return undefined;
  return { failureThreshold: config.breakerThreshold, resetTimeoutMs: config.breakerResetMs };
}
