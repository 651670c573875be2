/**
 * A scripted upstream for the hub's unit tests: resources held in a map, every read counted, and
 * failures switched on and off at will. No sockets and no emulator, so timing is only the hub's.
 */
import type { Evaluation, JobStatus, RateLimitInfo } from '../../src/coordinator/domain.js';
import { CoordinatorError } from '../../src/coordinator/errors.js';
import type { PollFetch } from '../../src/live/upstream.js';

export function fakeEvaluation(id: string, status: JobStatus, score: number | null = null): Evaluation {
  return {
    evaluationId: id,
    jobId: 'job_1',
    modelUri: null,
    checkpointId: null,
    status,
    rawStatus: status,
    benchmarks: [
      {
        name: 'mmlu',
        dataset: null,
        numSamples: 100,
        parameters: {},
        status: score === null ? null : 'COMPLETED',
        rawStatus: score === null ? null : 'COMPLETED',
        score,
        metrics: score === null ? {} : { accuracy: score },
        raw: null,
      },
    ],
    createdAt: null,
    startedAt: null,
    completedAt: null,
    message: null,
    // Changes on every read, as `updated_at` and heartbeats do upstream: must never cause an event.
    raw: { read_at: Math.random() },
  };
}

export function httpError(status: number, retryAfterSeconds: number | null = null): CoordinatorError {
  return new CoordinatorError({
    kind: 'http',
    status,
    code:
      status === 404
        ? 'NOT_FOUND'
        : status === 403
          ? 'AUTHZ_PERMISSION_DENIED'
          : status === 429
            ? 'RATE_LIMITED'
            : 'UNAVAILABLE',
    message: status === 404 ? 'evaluation not found' : 'upstream says no',
    method: 'GET',
    route: 'GET /evaluations/{evaluation_id}',
    retryAfterSeconds,
  });
}

export interface FakeUpstream {
  /** Current state by id; ids not present answer 404. */
  evaluations: Map<string, Evaluation>;
  /** Reads per id. */
  calls: Map<string, number>;
  totalCalls(): number;
  /** `performance.now()` of every read, in order: gaps between reads, not counts per sleep, show intervals. */
  readTimes: number[];
  /** While set, every read rejects with it. */
  failWith: CoordinatorError | null;
  rateLimit: RateLimitInfo | null;
  /** Credentials that may read each id (absent: everyone). */
  owners: Map<string, string>;
  fetch: PollFetch;
}

export function createFakeUpstream(): FakeUpstream {
  const upstream: FakeUpstream = {
    evaluations: new Map(),
    calls: new Map(),
    totalCalls: () => [...upstream.calls.values()].reduce((a, b) => a + b, 0),
    readTimes: [],
    failWith: null,
    rateLimit: null,
    owners: new Map(),
    fetch: (async (_kind: string, id: string, credential: string) => {
      upstream.calls.set(id, (upstream.calls.get(id) ?? 0) + 1);
      upstream.readTimes.push(performance.now());
      await Promise.resolve();
      if (upstream.failWith) throw upstream.failWith;
      const owner = upstream.owners.get(id);
      const evaluation = upstream.evaluations.get(id);
      if (!evaluation || (owner !== undefined && owner !== credential)) throw httpError(404);
      return { value: { ...evaluation, raw: { read_at: Math.random() } }, rateLimit: upstream.rateLimit };
    }) as PollFetch,
  };
  return upstream;
}
