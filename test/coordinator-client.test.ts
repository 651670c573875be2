import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CoordinatorApi, createCoordinatorApi } from '../src/coordinator/api.js';
import { type CallEvent, type CoordinatorClient, createCoordinatorClient } from '../src/coordinator/client.js';
import type { BenchmarkResult, Evaluation, TrainingJob } from '../src/coordinator/domain.js';
import { CoordinatorError } from '../src/coordinator/errors.js';
import { parseRetryAfter } from '../src/coordinator/reply.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { type StubAnswer, startStubUpstream } from './support/client-stub.js';

const TOKEN = 'sgk_test_acme_0123456789abcdef0123456789abcdef';
const CREDENTIAL = `Bearer ${TOKEN}`;

/** Awaits a rejection and returns it as a CoordinatorError (fails the test otherwise). */
async function failure(promise: Promise<unknown>): Promise<CoordinatorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CoordinatorError);
    return error as CoordinatorError;
  }
  throw new Error('expected the call to fail');
}

function envelope(data: unknown) {
  return { status: 'ok', data };
}

function errorBody(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { status: 'error', error: { code, message, ...extra }, meta: { request_id: 'req_123' } };
}

describe('client transport (scripted stub upstream)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(answers: StubAnswer[], options: Partial<Parameters<typeof createCoordinatorClient>[0]> = {}) {
    const stub = await startStubUpstream(answers);
    const events: CallEvent[] = [];
    const client: CoordinatorClient = createCoordinatorClient({
      baseUrl: stub.baseUrl,
      timeoutMs: 1000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      onCall: (event) => events.push(event),
      ...options,
    });
    cleanups.push(stub.close, () => client.close());
    return { stub, client, events };
  }

  it('unwraps the envelope and also accepts a bare payload', async () => {
    const { client } = await setup([
      { status: 200, body: envelope({ job_id: 'job_1' }) },
      { status: 200, body: { job_id: 'job_2' } },
    ]);
    const first = await client.request({
      method: 'GET',
      route: '/jobs/{job_id}',
      params: { job_id: 'job_1' },
      credential: CREDENTIAL,
    });
    const second = await client.request({
      method: 'GET',
      route: '/jobs/{job_id}',
      params: { job_id: 'job_2' },
      credential: CREDENTIAL,
    });
    expect(first).toMatchObject({ data: { job_id: 'job_1' }, status: 200 });
    expect(second.data).toEqual({ job_id: 'job_2' });
  });

  it('builds the URL: base path, encoded params, repeated array keys, undefined left out; forwards the credential unchanged', async () => {
    const { client, stub } = await setup([{ status: 200, body: envelope({ jobs: [] }) }]);
    await client.request({
      method: 'GET',
      route: '/jobs/{job_id}/metrics',
      params: { job_id: 'a/b c' },
      query: { page_size: 5, status: ['QUEUED', 'TRAINING'], page_token: undefined, order_by: 'name asc' },
      credential: CREDENTIAL,
    });
    await client.request({ method: 'GET', route: '/jobs/{job_id}', params: { job_id: '..' }, credential: null });
    expect(stub.seen[0]?.url).toBe(
      '/v1/modules/scaimind/jobs/a%2Fb%20c/metrics?page_size=5&status=QUEUED&status=TRAINING&order_by=name%20asc',
    );
    expect(stub.seen[0]?.headers.authorization).toBe(CREDENTIAL);
    expect(stub.seen[1]?.url).toBe('/v1/modules/scaimind/jobs/%2E%2E');
    expect(stub.seen[1]?.headers.authorization).toBeUndefined();
  });

  it('sends POST bodies as JSON', async () => {
    const { client, stub } = await setup([{ status: 201, body: envelope({ evaluation_id: 'eval_1' }) }]);
    const reply = await client.request({
      method: 'POST',
      route: '/evaluations',
      body: { job_id: 'job_1' },
      credential: CREDENTIAL,
    });
    expect(reply.status).toBe(201);
    expect(stub.seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(stub.seen[0]?.body ?? '')).toEqual({ job_id: 'job_1' });
  });

  it('reports a non-JSON 2xx body as malformed with its status, without crashing', async () => {
    const { client } = await setup([{ status: 200, body: '{"status":"ok","data":{"job_id"' }]);
    const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(error).toMatchObject({ kind: 'malformed', code: 'MALFORMED_RESPONSE', status: 200, route: 'GET /queue' });
    expect(error.message).not.toContain('job_id');
  });

  it('reports a 2xx without an object payload as malformed (every endpoint answers with an object)', async () => {
    const { client } = await setup([
      { status: 200, body: envelope([1, 2]) },
      { status: 200, body: [] },
      { status: 204 },
    ]);
    for (let i = 0; i < 3; i++) {
      const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
      expect(error).toMatchObject({ kind: 'malformed', code: 'MALFORMED_RESPONSE', route: 'GET /queue' });
    }
  });

  it('treats an HTML 502 page as malformed and still retries the GET', async () => {
    const { client, stub } = await setup([
      { status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { status: 200, body: envelope({ depth: 0 }) },
    ]);
    const reply = await client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL });
    expect(reply.data).toEqual({ depth: 0 });
    expect(stub.seen).toHaveLength(2);
  });

  it('derives the code from the status when an error body has none', async () => {
    const { client } = await setup([{ status: 404 }, { status: 418, body: { oops: true } }]);
    const notFound = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    const teapot = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(notFound).toMatchObject({ kind: 'http', status: 404, code: 'NOT_FOUND' });
    expect(teapot).toMatchObject({ kind: 'http', status: 418, code: 'HTTP_418' });
  });

  it('treats a 2xx carrying the error envelope as an error', async () => {
    const { client } = await setup([{ status: 200, body: errorBody('INTERNAL', 'boom') }]);
    const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(error).toMatchObject({ kind: 'http', code: 'INTERNAL', requestId: 'req_123' });
  });

  it('takes the request id from X-Request-Id when the body has no meta', async () => {
    const { client } = await setup([
      { status: 404, body: { error: { code: 'NOT_FOUND' } }, headers: { 'x-request-id': 'hdr_9' } },
    ]);
    const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(error.requestId).toBe('hdr_9');
  });

  it('reads an HTTP-date Retry-After as the seconds until then (never negative)', async () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:03 GMT', now)).toBe(3);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('7', now)).toBe(7);
    // An hour ahead: the client waits for it rather than retrying at once (here: gives up instead).
    const retryAt = new Date(Date.now() + 3_600_000).toUTCString();
    const { client, stub } = await setup([
      { status: 503, body: errorBody('UNAVAILABLE', 'busy'), headers: { 'retry-after': retryAt } },
      { status: 200, body: envelope({}) },
    ]);
    const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(stub.seen).toHaveLength(1);
    expect(error.retryAfterSeconds).toBeGreaterThan(3_000);
  });

  it('fails at once when Retry-After exceeds the remaining budget instead of sleeping', async () => {
    const { client, stub } = await setup([
      { status: 429, body: errorBody('RATE_LIMITED', 'slow down', { retry_after: 30 }) },
    ]);
    const started = Date.now();
    const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(error).toMatchObject({ kind: 'http', status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    expect(stub.seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('never lets an attempt run past the caller deadline', async () => {
    const { client } = await setup([{ hang: true }], { timeoutMs: 5000 });
    const started = Date.now();
    const error = await failure(
      client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, deadline: Date.now() + 150 }),
    );
    expect(error).toMatchObject({ kind: 'timeout', code: 'DEADLINE_EXCEEDED', status: null });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not call upstream when the deadline has already passed or the signal is already aborted', async () => {
    const { client, stub } = await setup([{ status: 200, body: envelope({}) }]);
    const late = await failure(
      client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, deadline: Date.now() - 1 }),
    );
    const aborted = await failure(
      client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, signal: AbortSignal.abort() }),
    );
    expect(late.kind).toBe('timeout');
    expect(aborted).toMatchObject({ kind: 'aborted', code: 'ABORTED' });
    expect(stub.seen).toHaveLength(0);
  });

  it('aborts an in-flight attempt and a backoff sleep as soon as the signal fires', async () => {
    const { client } = await setup([{ hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const inFlight = await failure(
      client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, signal: controller.signal }),
    );
    expect(inFlight).toMatchObject({ kind: 'aborted', code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(500);

    const slow = await setup([{ status: 503, body: errorBody('UNAVAILABLE', 'busy', { retry_after: 3 }) }], {
      timeoutMs: 5000,
    });
    const sleeping = new AbortController();
    setTimeout(() => sleeping.abort(), 100);
    const sleepStarted = Date.now();
    const duringSleep = await failure(
      slow.client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, signal: sleeping.signal }),
    );
    expect(duringSleep.kind).toBe('aborted');
    expect(slow.stub.seen).toHaveLength(1);
    expect(Date.now() - sleepStarted).toBeLessThan(1000);
  });

  it('reads a body that arrives in pieces, a character split between two of them, and drops a byte-order mark', async () => {
    const text = JSON.stringify(envelope({ name: 'Größe 🚀' }));
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const split = bytes.indexOf(Buffer.from('🚀')) + 2;
    const { client } = await setup([
      { status: 200, parts: [bytes.subarray(0, 2), bytes.subarray(2, split), bytes.subarray(split)] },
    ]);
    const reply = await client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL });
    expect(reply.data).toEqual({ name: 'Größe 🚀' });
  });

  it('aborts while the body is still arriving, and the next call gets a clean connection', async () => {
    const { client, stub } = await setup([
      { status: 200, parts: ['{"status":"ok","data":{"depth":'], ending: 'stall' },
      { status: 200, body: envelope({ depth: 3 }) },
    ]);
    const controller = new AbortController();
    const call = client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, signal: controller.signal });
    while (stub.partsWritten() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await failure(call)).toMatchObject({ kind: 'aborted', code: 'ABORTED' });
    const next = await client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL });
    expect(next.data).toEqual({ depth: 3 });
  });

  it('times out a body that stops half way, and retries the GET', async () => {
    const { client, stub, events } = await setup(
      [
        { status: 200, parts: ['{"status":"ok","data":'], ending: 'stall' },
        { status: 200, body: envelope({ depth: 4 }) },
      ],
      { timeoutMs: 200 },
    );
    const reply = await client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL });
    expect(reply.data).toEqual({ depth: 4 });
    expect(stub.seen).toHaveLength(2);
    expect(events.map((e) => e.errorCode ?? e.status)).toEqual(['DEADLINE_EXCEEDED', 200]);
  });

  it('shares one abort listener per signal across many concurrent calls', async () => {
    const { client } = await setup([{ status: 200, body: envelope({}) }]);
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      await Promise.all(
        Array.from({ length: 30 }, () =>
          client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL, signal: controller.signal }),
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('retries a GET whose connection was reset', async () => {
    const { client, stub } = await setup([{ reset: true }, { status: 200, body: envelope({ depth: 4 }) }]);
    expect((await client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL })).data).toEqual({
      depth: 4,
    });
    expect(stub.seen).toHaveLength(2);
  });

  it('never retries a POST, even after a connection reset', async () => {
    const { client, stub } = await setup([{ reset: true }, { status: 201, body: envelope({}) }]);
    const error = await failure(
      client.request({ method: 'POST', route: '/evaluations', body: {}, credential: CREDENTIAL }),
    );
    expect(error).toMatchObject({ kind: 'network', code: 'UNAVAILABLE', status: null, route: 'POST /evaluations' });
    expect(stub.seen).toHaveLength(1);
  });

  it('reports each attempt to onCall with the route template', async () => {
    const { client, events } = await setup([
      { status: 503, body: errorBody('UNAVAILABLE', 'busy') },
      { status: 200, body: envelope({}) },
    ]);
    await client.request({
      method: 'GET',
      route: '/jobs/{job_id}',
      params: { job_id: 'job_1' },
      credential: CREDENTIAL,
    });
    expect(events.map(({ durationMs: _d, ...e }) => e)).toEqual([
      { method: 'GET', route: '/jobs/{job_id}', status: 503, errorCode: 'UNAVAILABLE', attempt: 1 },
      { method: 'GET', route: '/jobs/{job_id}', status: 200, attempt: 2 },
    ]);
  });

  it('scrubs the token from upstream messages that echo it', async () => {
    const { client } = await setup([
      {
        status: 401,
        body: errorBody('AUTH_TOKEN_INVALID', `token ${TOKEN} is not valid`, {
          details: [{ field: 'authorization', message: TOKEN }],
        }),
      },
    ]);
    const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
    expect(error.message).toContain('is not valid');
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(TOKEN);
  });

  it('opens the circuit after consecutive upstream failures and closes it after a good probe', async () => {
    const { client, stub } = await setup(
      [
        { status: 503, body: errorBody('UNAVAILABLE', 'down') },
        { status: 503, body: errorBody('UNAVAILABLE', 'down') },
        { status: 200, body: envelope({ depth: 1 }) },
      ],
      { retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 2, resetTimeoutMs: 200 } },
    );
    const get = () => client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL });
    await failure(get());
    await failure(get());
    const open = await failure(get());
    expect(open).toMatchObject({ kind: 'circuit_open', code: 'CIRCUIT_OPEN', status: null });
    expect(stub.seen).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await get()).data).toEqual({ depth: 1 });
    expect((await get()).data).toEqual({ depth: 1 });
    expect(stub.seen).toHaveLength(4);
  });

  it('uses an injected dispatcher and leaves closing it to its owner', async () => {
    const stub = await startStubUpstream([{ status: 200, body: envelope({ depth: 2 }) }]);
    const agent = new Agent();
    const client = createCoordinatorClient({ baseUrl: stub.baseUrl, dispatcher: agent });
    try {
      expect((await client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL })).data).toEqual({
        depth: 2,
      });
      await client.close();
      expect(agent.closed).toBe(false);
      const error = await failure(client.request({ method: 'GET', route: '/queue', credential: CREDENTIAL }));
      expect(error.kind).toBe('network');
    } finally {
      await agent.close();
      await stub.close();
    }
  });
});

describe('coordinator api against the emulator', () => {
  const DEV = `Bearer ${EMULATOR_KEYS.dev}`;
  const VIEWER = `Bearer ${EMULATOR_KEYS.viewer}`;
  let emulator: Emulator;
  let client: CoordinatorClient;
  let api: CoordinatorApi;
  let jobs: TrainingJob[];

  const byName = (name: string): TrainingJob => {
    const job = jobs.find((j) => j.name === name);
    if (job === undefined) throw new Error(`seeded job ${name} missing`);
    return job;
  };
  const scope = (credential: string | null = DEV, extra: { signal?: AbortSignal; deadline?: number } = {}) =>
    createCoordinatorApi(client, { credential, ...extra });
  const calls = (route: string) => emulator.stats().requests[route] ?? 0;

  beforeAll(async () => {
    emulator = await createEmulator({ speed: 0 });
    client = createCoordinatorClient({
      baseUrl: emulator.url,
      timeoutMs: 1000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    jobs = (await scope().listJobs({ pageSize: 100 })).items;
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    api = scope();
  });

  describe('error replies become CoordinatorError fields', () => {
    it('401 without a credential', async () => {
      const error = await failure(scope(null).getJob(byName('support-lora-v3').jobId));
      expect(error).toMatchObject({
        kind: 'http',
        status: 401,
        code: 'AUTH_TOKEN_MISSING',
        method: 'GET',
        route: 'GET /jobs/{job_id}',
      });
      expect(error.requestId).toEqual(expect.any(String));
    });

    it('401 with an invalid key', async () => {
      const error = await failure(scope('Bearer sgk_not_a_real_key_00000000000000000000').listJobs());
      expect(error).toMatchObject({ kind: 'http', status: 401, code: 'AUTH_TOKEN_INVALID', route: 'GET /jobs' });
    });

    it('403 for a viewer attempting a manage action', async () => {
      const error = await failure(scope(VIEWER).cancelJob(byName('support-qlora-v1').jobId));
      expect(error).toMatchObject({ kind: 'http', status: 403, code: 'AUTHZ_PERMISSION_DENIED', method: 'POST' });
      expect(error.route).toBe('POST /jobs/{job_id}/cancel');
    });

    it("404 for an unknown id and for another tenant's job", async () => {
      const unknown = await failure(api.getJob('job_00000000'));
      const foreign = await failure(
        scope(`Bearer ${EMULATOR_KEYS.otherTenant}`).getJob(byName('support-lora-v3').jobId),
      );
      expect(unknown).toMatchObject({ kind: 'http', status: 404, code: 'NOT_FOUND' });
      expect(foreign).toMatchObject({ kind: 'http', status: 404, code: 'NOT_FOUND' });
    });

    it('409 when cancelling a finished job', async () => {
      const error = await failure(api.cancelJob(byName('support-lora-v3').jobId, { reason: 'too late' }));
      expect(error).toMatchObject({ kind: 'http', status: 409, code: 'FAILED_PRECONDITION' });
    });

    it('400 naming the offending field in its message (no details, as the contract says)', async () => {
      const job = byName('support-lora-v3');
      const error = await failure(
        api.submitEvaluation({
          jobId: job.jobId,
          modelUri: job.outputModelUri ?? '',
          benchmarks: [{ name: 'no-such-benchmark' }],
        }),
      );
      expect(error).toMatchObject({ kind: 'http', status: 400, code: 'INVALID_ARGUMENT' });
      expect(error.details).toEqual([]);
      // Resolvers get the path in the gateway's own names, not the wire's.
      expect(error.fieldPath).toEqual(['benchmarks', '0', 'name']);
    });

    it('answers null for a job without a metrics snapshot (404), not an error', async () => {
      expect(await api.getJobMetrics('job_does_not_exist')).toBeNull();
    });

    it('422 with details for an out-of-range page size', async () => {
      const error = await failure(api.listJobs({ pageSize: 500 }));
      expect(error).toMatchObject({ kind: 'http', status: 422, code: 'VALIDATION_ERROR' });
      expect(error.details).toEqual([{ field: 'page_size', message: expect.any(String) }]);
    });

    it('429 with retryAfter, failing at once when the wait exceeds the retry budget', async () => {
      const limited = await createEmulator({ speed: 0, rateLimitPerMinute: 2 });
      const limitedClient = createCoordinatorClient({ baseUrl: limited.url, retry: { baseDelayMs: 5 } });
      try {
        const limitedApi = createCoordinatorApi(limitedClient, { credential: DEV });
        await limitedApi.getQueue();
        await limitedApi.getQueue();
        const started = Date.now();
        const error = await failure(limitedApi.getQueue());
        expect(error).toMatchObject({ kind: 'http', status: 429, code: 'RATE_LIMITED' });
        expect(error.retryAfterSeconds).toBeGreaterThan(8);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(limited.stats().requests['GET /queue']).toBe(3);
        expect(limitedApi.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
      } finally {
        await limitedClient.close();
        await limited.close();
      }
    });

    it('503 after the retries are spent (GET tried maxAttempts times)', async () => {
      emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 503 }]);
      const error = await failure(api.getJob(byName('support-lora-v3').jobId));
      expect(error).toMatchObject({ kind: 'http', status: 503, code: 'UNAVAILABLE' });
      expect(calls('GET /jobs/{job_id}')).toBe(3);
    });

    it('500 is reported as INTERNAL and not retried', async () => {
      emulator.setFaults([{ route: 'GET /queue', kind: 'status', status: 500 }]);
      const error = await failure(api.getQueue());
      expect(error).toMatchObject({ kind: 'http', status: 500, code: 'INTERNAL' });
      expect(calls('GET /queue')).toBe(1);
    });
  });

  describe('retries and failures', () => {
    it('retries a GET after a 503 and succeeds', async () => {
      emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 503, count: 1 }]);
      const job = await api.getJob(byName('support-lora-v3').jobId);
      expect(job.name).toBe('support-lora-v3');
      expect(calls('GET /jobs/{job_id}')).toBe(2);
    });

    it('never retries a POST: a 503 on POST /evaluations is exactly one upstream call', async () => {
      emulator.setFaults([{ route: 'POST /evaluations', kind: 'status', status: 503 }]);
      const error = await failure(
        api.submitEvaluation({ jobId: byName('support-lora-v3').jobId, benchmarks: [{ name: 'mmlu' }] }),
      );
      expect(error).toMatchObject({ kind: 'http', status: 503, route: 'POST /evaluations' });
      expect(calls('POST /evaluations')).toBe(1);
    });

    it('never retries a POST after a connection reset either', async () => {
      emulator.setFaults([{ route: 'POST /jobs/{job_id}/pause', kind: 'reset' }]);
      const error = await failure(api.pauseJob(byName('support-lora-v4').jobId));
      expect(error).toMatchObject({ kind: 'network', code: 'UNAVAILABLE', status: null });
      expect(calls('POST /jobs/{job_id}/pause')).toBe(1);
    });

    it('times out a hung upstream within a bounded time, retrying the GET', async () => {
      emulator.setFaults([{ route: 'GET /queue', kind: 'hang' }]);
      const hurried = createCoordinatorClient({
        baseUrl: emulator.url,
        timeoutMs: 150,
        retry: { maxAttempts: 2, baseDelayMs: 5 },
      });
      try {
        const started = Date.now();
        const error = await failure(createCoordinatorApi(hurried, { credential: DEV }).getQueue());
        expect(error).toMatchObject({ kind: 'timeout', code: 'DEADLINE_EXCEEDED', status: null, route: 'GET /queue' });
        expect(Date.now() - started).toBeLessThan(1000);
        expect(calls('GET /queue')).toBe(2);
      } finally {
        await hurried.close();
      }
    });

    it('retries a GET whose connection was reset', async () => {
      emulator.setFaults([{ route: 'GET /jobs', kind: 'reset', count: 1 }]);
      const page = await api.listJobs({ pageSize: 5 });
      expect(page.items).toHaveLength(5);
      expect(calls('GET /jobs')).toBe(2);
    });

    it('reports a truncated body as malformed', async () => {
      emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'malformed' }]);
      const error = await failure(api.getJob(byName('support-lora-v3').jobId));
      expect(error).toMatchObject({ kind: 'malformed', code: 'MALFORMED_RESPONSE', status: 200 });
    });

    it('aborts via the scope signal, promptly', async () => {
      emulator.setFaults([{ route: 'GET /queue', kind: 'hang' }]);
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 50);
      const error = await failure(scope(DEV, { signal: controller.signal }).getQueue());
      expect(error).toMatchObject({ kind: 'aborted', code: 'ABORTED' });
      expect(Date.now() - started).toBeLessThan(500);
      expect(calls('GET /queue')).toBe(1);
    });

    it('never puts the credential in an error message or its JSON', async () => {
      const errors: CoordinatorError[] = [];
      errors.push(await failure(api.getJob('job_00000000')));
      errors.push(await failure(scope(VIEWER).cancelJob(byName('support-qlora-v1').jobId)));
      errors.push(await failure(scope('Bearer sgk_not_a_real_key_00000000000000000000').getQueue()));
      emulator.setFaults([{ route: '*', kind: 'malformed' }]);
      errors.push(await failure(api.getQueue()));
      emulator.setFaults([{ route: '*', kind: 'reset' }]);
      errors.push(await failure(api.validateData(['scaidrive://acme/a.jsonl'])));
      for (const error of errors) {
        const visible = `${error.message} ${JSON.stringify(error)}`;
        expect(visible).not.toContain(EMULATOR_KEYS.dev);
        expect(visible).not.toContain(EMULATOR_KEYS.viewer);
        expect(visible).not.toContain('sgk_not_a_real_key');
      }
    });
  });

  describe('in-flight coalescing', () => {
    it('shares one upstream call between identical concurrent GETs of one scope', async () => {
      const id = byName('support-lora-v3').jobId;
      const [a, b] = await Promise.all([api.getJob(id), api.getJob(id)]);
      expect(a).toEqual(b);
      expect(calls('GET /jobs/{job_id}')).toBe(1);
    });

    it('does not share between scopes, nor across time (it is not a cache)', async () => {
      const id = byName('support-lora-v3').jobId;
      await Promise.all([api.getJob(id), scope().getJob(id)]);
      expect(calls('GET /jobs/{job_id}')).toBe(2);
      await api.getJob(id);
      expect(calls('GET /jobs/{job_id}')).toBe(3);
    });

    it('keeps different queries apart', async () => {
      await Promise.all([api.listJobs({ pageSize: 5 }), api.listJobs({ pageSize: 6 }), api.listJobs({ pageSize: 5 })]);
      expect(calls('GET /jobs')).toBe(2);
    });
  });

  describe('endpoints', () => {
    it('parses the rate-limit headers into api.rateLimit', async () => {
      expect(api.rateLimit).toBeNull();
      await api.getQueue();
      const first = api.rateLimit;
      await api.getQueue();
      expect(first).toEqual({
        limit: expect.any(Number),
        remaining: expect.any(Number),
        resetSeconds: expect.any(Number),
      });
      expect(api.rateLimit?.remaining).toBe((first?.remaining ?? 0) - 1);
    });

    it('pages through jobs with page_size, page_token, order_by and repeated status', async () => {
      const first = await api.listJobs({ pageSize: 4, orderBy: 'name asc', status: ['COMPLETED', 'FAILED'] });
      expect(first.items).toHaveLength(4);
      expect(first.nextPageToken).toEqual(expect.any(String));
      const second = await api.listJobs({
        pageSize: 4,
        orderBy: 'name asc',
        status: ['COMPLETED', 'FAILED'],
        pageToken: first.nextPageToken ?? undefined,
      });
      const all = [...first.items, ...second.items];
      expect(all.every((j) => j.status === 'COMPLETED' || j.status === 'FAILED')).toBe(true);
      const names = all.map((j) => j.name ?? '');
      expect(names).toEqual([...names].sort());
      expect(new Set(all.map((j) => j.jobId)).size).toBe(8);
      expect(first.totalCount).toBe(jobs.filter((j) => j.status === 'COMPLETED' || j.status === 'FAILED').length);
    });

    it('returns a job with checkpoints that know their job', async () => {
      const job = await api.getJob(byName('support-lora-v4').jobId);
      expect(job.status).toBe('TRAINING');
      expect(job.checkpoints.length).toBeGreaterThanOrEqual(2);
      expect(job.checkpoints.every((c) => c.jobId === job.jobId)).toBe(true);
      expect(job.progress?.currentStep).toEqual(expect.any(Number));
    });

    it('pauses and resumes a job, sending the snake_case bodies', async () => {
      const id = byName('support-lora-v4').jobId;
      const paused = await api.pauseJob(id, { saveCheckpoint: true });
      expect(paused).toMatchObject({ jobId: id, status: 'PAUSED' });
      const resumed = await api.resumeJob(id);
      expect(resumed.status).toBe('SCHEDULING');
    });

    it('reads metrics and the queue', async () => {
      const metrics = await api.getJobMetrics(byName('support-lora-v4').jobId);
      expect(metrics?.jobId).toBe(byName('support-lora-v4').jobId);
      expect(metrics?.values.loss).toEqual(expect.any(Number));
      const queue = await api.getQueue();
      expect(queue.depth).toBe(Object.values(queue.byStatus).reduce((a, b) => a + b, 0));
    });

    it('validates data URIs', async () => {
      const results = await api.validateData(['scaidrive://acme/data/ok.jsonl', 'scaidrive://acme/missing/x.jsonl']);
      expect(results.map((r) => [r.uri, r.ok])).toEqual([
        ['scaidrive://acme/data/ok.jsonl', true],
        ['scaidrive://acme/missing/x.jsonl', false],
      ]);
    });

    it('submits an evaluation with a snake_case body and polls it to completion', async () => {
      const jobId = byName('support-lora-v3').jobId;
      const submitted = await api.submitEvaluation({
        jobId,
        modelUri: byName('support-lora-v3').outputModelUri ?? '',
        benchmarks: [
          { name: 'mmlu', numSamples: 100 },
          {
            name: 'custom-acme-support',
            dataset: 'scaidrive://acme/eval/support-testset.jsonl',
            parameters: { temperature: '0.0' },
          },
        ],
      });
      expect(submitted.evaluationId).toMatch(/^eval_/);
      expect(submitted.status).toBe('QUEUED');
      const queued = await api.getEvaluation(submitted.evaluationId);
      expect(queued).toMatchObject({ jobId, checkpointId: null, status: 'QUEUED' });
      expect(queued.benchmarks.map((b) => [b.name, b.status, b.numSamples])).toEqual([
        ['mmlu', null, 100],
        ['custom-acme-support', null, null],
      ]);
      emulator.advance(24 * 60 * 60 * 1000);
      const done = await api.getEvaluation(submitted.evaluationId);
      expect(done.status).toBe('COMPLETED');
      expect(done.benchmarks.every((b) => b.status === 'COMPLETED' && typeof b.score === 'number')).toBe(true);
      expect(done.benchmarks[1]?.parameters).toEqual({ temperature: '0.0' });
    });

    it('lists the evaluations of one job', async () => {
      const jobId = byName('support-lora-v3').jobId;
      const page = await api.listEvaluations({ jobId, pageSize: 10 });
      expect(page.items.length).toBeGreaterThanOrEqual(3);
      expect(page.items.every((e) => e.jobId === jobId && e.evaluationId.startsWith('eval_'))).toBe(true);
    });
  });

  describe('result shapes', () => {
    const comparable = (b: BenchmarkResult[]) => b.map(({ raw: _raw, rawStatus: _rawStatus, ...rest }) => rest);
    const stripped = (e: Evaluation) => ({ ...e, raw: null, rawStatus: null, benchmarks: comparable(e.benchmarks) });

    it('gives the same normalised evaluation (and benchmarks) for list, map and legacy replies', async () => {
      const jobId = byName('support-lora-v3').jobId;
      const { items } = await api.listEvaluations({ jobId });
      const seen: Record<string, unknown> = {};
      for (const shape of ['list', 'map', 'legacy'] as const) {
        emulator.setResultShape(shape);
        const shapeApi = scope();
        const evaluations = await Promise.all(items.map((e) => shapeApi.getEvaluation(e.evaluationId)));
        const listed = await shapeApi.listEvaluations({ jobId });
        seen[shape] = { one: evaluations.map(stripped), listed: listed.items.map(stripped) };
      }
      expect(seen.map).toEqual(seen.list);
      expect(seen.legacy).toEqual(seen.list);
      const completed = (seen.list as { one: Array<{ status: string; benchmarks: unknown[] }> }).one.find(
        (e) => e.status === 'COMPLETED' && e.benchmarks.length === 3,
      );
      expect(completed?.benchmarks).toEqual(
        expect.arrayContaining([expect.objectContaining({ status: 'COMPLETED', score: expect.any(Number) })]),
      );
    });

    it('keeps the raw wire object, which does differ per shape', async () => {
      const jobId = byName('support-lora-v3').jobId;
      const [first] = (await api.listEvaluations({ jobId })).items;
      emulator.setResultShape('legacy');
      const legacy = await scope().getEvaluation(first?.evaluationId ?? '');
      expect(legacy.raw).toMatchObject({ id: first?.evaluationId });
      expect(legacy.rawStatus).toMatch(/^\d+$/);
    });
  });
});
