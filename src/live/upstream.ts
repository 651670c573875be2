/**
 * How the live layer's readers reach the coordinator: adapters from the gateway's coordinator
 * client (its retries, circuit breaker and error mapping included) to the narrow functions the
 * readers take, so the readers themselves are tested against scripted fakes.
 */
import { createCoordinatorApi } from '../coordinator/api.js';
import type { CoordinatorClient } from '../coordinator/client.js';
import type { RateLimitInfo } from '../coordinator/domain.js';
import type { WatchedKind, WatchedResource } from './types.js';

/** One upstream read of a watched resource. Rejects with `CoordinatorError` on failure. */
export type PollFetch = <K extends WatchedKind>(
  kind: K,
  id: string,
  credential: string,
  signal: AbortSignal,
) => Promise<{ value: WatchedResource[K]; rateLimit: RateLimitInfo | null }>;

/** Polls through the gateway's coordinator client (its GET retries and circuit breaker included). */
export function coordinatorPollFetch(client: CoordinatorClient, timeoutMs: number): PollFetch {
  return async (kind, id, credential, signal) => {
    const api = createCoordinatorApi(client, { credential, signal, deadline: Date.now() + timeoutMs });
    const value = kind === 'evaluation' ? await api.getEvaluation(id) : await api.getJob(id);
    return { value: value as WatchedResource[typeof kind], rateLimit: api.rateLimit };
  };
}
