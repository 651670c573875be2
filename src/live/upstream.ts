/**
 * How the live layer's readers reach the coordinator: adapters from the gateway's coordinator
 * client (its retries, circuit breaker and error mapping included) to the narrow functions the
 * readers take, so the readers themselves are tested against scripted fakes.
 */
import { createCoordinatorApi } from '../coordinator/api.js';
import type { CoordinatorClient } from '../coordinator/client.js';
import type { RateLimitInfo, StreamChunk, StreamPosition } from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import type { StreamItem, StreamKind, WatchedKind, WatchedResource } from './types.js';

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

/** Opens one event stream of a job on behalf of `credential`. Rejects with `CoordinatorError`. */
export type StreamOpen = <K extends StreamKind>(
  kind: K,
  jobId: string,
  credential: string,
  position: StreamPosition,
  signal: AbortSignal,
) => Promise<AsyncIterable<StreamChunk<StreamItem[K]>>>;

/** Streams through the gateway's coordinator client. */
export function coordinatorStreamOpen(client: CoordinatorClient): StreamOpen {
  return (kind, jobId, credential, position, signal) => {
    const api = createCoordinatorApi(client, { credential, signal });
    const opened = kind === 'logs' ? api.streamJobLogs(jobId, position) : api.streamJobMetrics(jobId, position);
    return opened as Promise<AsyncIterable<StreamChunk<StreamItem[typeof kind]>>>;
  };
}

/**
 * Failures that reading again cannot fix: the id is unknown, belongs to another tenant, or the
 * token cannot read it. Everything else (5xx, timeouts, 429, network) is an outage to sit out.
 */
export function isPermanentFailure(error: unknown): error is CoordinatorError {
  return (
    error instanceof CoordinatorError &&
    error.kind === 'http' &&
    error.status !== null &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}
