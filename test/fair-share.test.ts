/**
 * One caller's burst against the coordinator, as the others see it: they still get their share of
 * the connection pool at once, an overlong queue is refused with a clear error, and the burst's
 * own timeouts (waiting for a connection, the caller's deadline) never open the circuit breaker
 * that every tenant shares, nor take the instance out of `/ready`.
 *
 * The coordinator's job route hangs (an emulator fault) so that the burst holds its connections
 * for as long as the test wants: no timing decides the outcome.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/app.js';
import { defaultConfig } from '../src/config.js';
import { type CoordinatorClientOptions, createCoordinatorClient } from '../src/coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { createLogger } from '../src/log.js';
import { createReadinessProbe } from '../src/readiness.js';

const TENANT_A = `Bearer ${EMULATOR_KEYS.dev}`;
const TENANT_B = `Bearer ${EMULATOR_KEYS.otherTenant}`;
const JOB_ROUTE = 'GET /jobs/{job_id}';

type Body = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

interface Rig {
  emulator: Emulator;
  gateway: Gateway;
  client: ReturnType<typeof createCoordinatorClient>;
  post(query: string, credential: string, signal?: AbortSignal): Promise<Body>;
  close(): Promise<void>;
}

async function rig(client: Partial<CoordinatorClientOptions>, requestTimeoutMs = 10_000): Promise<Rig> {
  const emulator = await createEmulator({ speed: 0 });
  const config = defaultConfig({ coordinatorUrl: emulator.url, requestTimeoutMs });
  const coordinator = createCoordinatorClient({
    baseUrl: emulator.url,
    timeoutMs: 60_000,
    retry: { maxAttempts: 1 },
    ...client,
  });
  const gateway = createGateway(config, { client: coordinator, log: createLogger('error', () => {}) });
  return {
    emulator,
    gateway,
    client: coordinator,
    async post(query, credential, signal) {
      const response = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: credential },
        body: JSON.stringify({ query }),
        signal,
      });
      return (await response.json()) as Body;
    },
    async close() {
      await coordinator.close();
      await emulator.close();
    },
  };
}

/** `nodes(ids:)` over `count` job ids: one coordinator call per id. */
function flood(count: number): string {
  const ids = Array.from({ length: count }, (_, i) =>
    JSON.stringify(Buffer.from(`TrainingJob:job_${i}`).toString('base64')),
  );
  return `{ nodes(ids: [${ids.join(', ')}]) { id } }`;
}

/** Polls a condition of the emulator (its request counters), not the clock. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('fair share of the coordinator connections per credential', () => {
  let current: Rig | null = null;
  let abort = new AbortController();
  beforeEach(() => {
    abort = new AbortController();
  });
  afterEach(async () => {
    abort.abort();
    await current?.close();
    current = null;
  });

  it('lets tenant B read at once while tenant A’s burst holds its share of the pool', async () => {
    // 4 connections: one credential holds at most 3, so another always finds one free.
    const r = await rig({ connections: 4 });
    current = r;
    r.emulator.setFaults([{ route: JOB_ROUTE, kind: 'hang' }]);
    const burst = r.post(flood(40), TENANT_A, abort.signal).catch(() => null);
    await until(() => (r.emulator.stats().requests[JOB_ROUTE] ?? 0) >= 3);

    // Without a share per credential B's call would queue behind A's 37 waiting calls, which
    // never finish while the coordinator hangs.
    const b = await r.post('{ trainingJobs(first: 1) { edges { node { jobId } } } }', TENANT_B);
    expect(b.errors).toBeUndefined();
    expect(b.data?.trainingJobs).toMatchObject({ edges: [expect.anything()] });

    expect(r.emulator.stats().max_in_flight[JOB_ROUTE]).toBe(3);
    expect(r.client.fairShareStats?.()).toMatchObject({ inFlight: 3, waiting: 37 });
    abort.abort();
    await burst;
  });

  it('refuses a call beyond the credential’s queue at once with RATE_LIMITED, and only for that credential', async () => {
    const r = await rig({ connections: 4, fairShare: { queuePerCredential: 5 } });
    current = r;
    r.emulator.setFaults([{ route: JOB_ROUTE, kind: 'hang' }]);
    // 3 in flight and 5 waiting: A's queue is full.
    const burst = r.post(flood(8), TENANT_A, abort.signal).catch(() => null);
    await until(() => (r.emulator.stats().requests[JOB_ROUTE] ?? 0) >= 3);

    const refused = await r.post('{ trainingJob(id: "job_more") { name } }', TENANT_A);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
    expect(refused.errors?.[0]?.message).toMatch(/Too many coordinator calls at once for this credential/);
    expect(r.emulator.stats().requests[JOB_ROUTE]).toBe(3);

    const b = await r.post('{ queue { depth } }', TENANT_B);
    expect(b.errors).toBeUndefined();
    abort.abort();
    await burst;
  });

  it('bounds the calls waiting across all credentials: past it, a call that would wait is refused at once', async () => {
    // 2 connections (one per credential), at most 2 calls waiting in all.
    const r = await rig({ connections: 2, fairShare: { queuePerCredential: 10, maxWaiting: 2 } });
    current = r;
    r.emulator.setFaults([{ route: JOB_ROUTE, kind: 'hang' }]);
    // A: 1 in flight, 2 waiting (the gateway's whole queue), 2 refused.
    const burst = r.post(flood(5), TENANT_A, abort.signal).catch(() => null);
    await until(() => (r.emulator.stats().requests[JOB_ROUTE] ?? 0) >= 1);
    expect(r.client.fairShareStats?.()).toMatchObject({ inFlight: 1, waiting: 2 });
    // C takes the last free connection (and hangs); D would have to wait, and the queue is full.
    const c = r
      .post('{ trainingJob(id: "job_c") { name } }', `Bearer ${EMULATOR_KEYS.viewer}`, abort.signal)
      .catch(() => null);
    await until(() => (r.emulator.stats().requests[JOB_ROUTE] ?? 0) >= 2);
    const d = await r.post('{ queue { depth } }', TENANT_B);
    expect(d.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
    expect(d.errors?.[0]?.message).toMatch(/as many calls waiting for the coordinator as it can hold/);
    expect(r.client.fairShareStats?.()).toMatchObject({ inFlight: 2, waiting: 2 });
    abort.abort();
    await Promise.all([burst, c]);
  });

  it('does not open the circuit breaker nor leave /ready when a burst runs out of time waiting on the pool', async () => {
    // 2 connections, the caller's deadline 300 ms, the coordinator's attempt timeout a minute: the
    // burst's calls end at the caller's deadline, in flight or still waiting for a connection.
    // The coordinator did nothing wrong the breaker could know of.
    const r = await rig({ connections: 2, circuitBreaker: { failureThreshold: 3, resetTimeoutMs: 60_000 } }, 300);
    current = r;
    const ready = createReadinessProbe({ client: r.client });
    r.emulator.setFaults([{ route: JOB_ROUTE, kind: 'hang' }]);
    const burst = await r.post(flood(20), TENANT_A);
    expect(burst.errors?.length).toBe(20);
    r.emulator.clearFaults();

    expect(r.client.breakerStates?.().filter((breaker) => breaker.state !== 'closed')).toEqual([]);
    expect(await ready()).toBe(true);
    // Another tenant's read of the same route goes to the coordinator and succeeds.
    const jobs = (await r.post('{ trainingJobs(first: 1) { edges { node { jobId } } } }', TENANT_B)).data as {
      trainingJobs: { edges: Array<{ node: { jobId: string } }> };
    };
    const jobId = jobs.trainingJobs.edges[0]?.node.jobId;
    const b = await r.post(`{ trainingJob(id: "${jobId}") { jobId } }`, TENANT_B);
    expect(b.errors).toBeUndefined();
    expect(b.data?.trainingJob).toEqual({ jobId });
  });
});
