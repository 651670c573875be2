/**
 * Operating the gateway: auth with a real coordinator, the per-route circuit breaker, readiness,
 * Prometheus metrics, log redaction and request ids, OpenTelemetry spans, persisted operations.
 */
import { createHash } from 'node:crypto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../src/config.js';
import { createCoordinatorClient } from '../src/coordinator/client.js';
import { createMetrics } from '../src/metrics.js';
import { breakerOptions, coordinatorPing, createReadinessProbe } from '../src/readiness.js';
import { parsePersistedOperations } from '../src/security.js';
import { createTracing } from '../src/tracing.js';
import { EMULATOR_KEYS, type Stack, startStack, useStack } from './support/stack.js';

const QUEUE = '{ queue { depth } }';
const JOBS = '{ trainingJobs(first: 2) { edges { node { jobId } } } }';
const ALL_KEYS = Object.values(EMULATOR_KEYS);
const INVALID_KEY = 'sgk_invalid_but_secret_1234567890abcdef1234';

async function metricsText(stack: Stack): Promise<string> {
  const response = await stack.gateway.fetch('http://gateway.test/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

describe('auth with a real coordinator (no default credential)', () => {
  const stack = useStack({ defaultCredential: null });

  it('maps an invalid token to UNAUTHENTICATED via the coordinator’s 401, once, without echoing it', async () => {
    stack.emulator.resetStats();
    const response = await stack.run(QUEUE, undefined, { token: INVALID_KEY });
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.errors?.[0]?.message).toMatch(/rejected this credential/);
    expect(stack.calls('GET /queue')).toBe(1);
    expect(JSON.stringify(response.body)).not.toContain(INVALID_KEY);
  });

  it('also refuses a missing token over GET and in mutations, before any upstream call', async () => {
    stack.emulator.resetStats();
    const get = await stack.gateway.fetch(`http://gateway.test/graphql?query=${encodeURIComponent(QUEUE)}`, {
      headers: { 'x-graphql-yoga-csrf': '1' },
    });
    expect(((await get.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    const mutation = await stack.run('mutation { cancelTrainingJob(input: { id: "job_x" }) { userErrors { code } } }');
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stack.calls()).toBe(0);
  });
});

describe('circuit breaker per coordinator route', () => {
  const metrics = createMetrics();
  const stack = useStack({
    client: {
      retry: { maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 3, resetTimeoutMs: 300 },
      onCall: metrics.onCall,
    },
    deps: { metrics },
  });

  it('opens after consecutive failures, fails fast while open, leaves other routes alone, half-opens and closes', async () => {
    stack.emulator.setFaults([{ route: 'GET /queue', kind: 'status', status: 503 }]);
    stack.emulator.resetStats();
    for (let i = 0; i < 3; i++) {
      expect((await stack.run(QUEUE)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
    expect(stack.calls('GET /queue')).toBe(3);

    // Open: fails fast with UPSTREAM_UNAVAILABLE and a retryAfter, without calling the coordinator.
    const started = Date.now();
    const open = await stack.run(QUEUE);
    expect(Date.now() - started).toBeLessThan(250);
    expect(open.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfter: 1 });
    expect(stack.calls('GET /queue')).toBe(3);

    // Another route keeps working.
    const jobs = await stack.run(JOBS);
    expect(jobs.body.errors).toBeUndefined();

    expect(await breakerStates(stack)).toEqual({ 'GET /queue': 'open', 'GET /jobs': 'closed' });

    // After the reset time one probe goes through; with the coordinator healthy again it closes.
    stack.emulator.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await breakerStates(stack))['GET /queue']).toBe('half_open');
    expect((await stack.run(QUEUE)).body.errors).toBeUndefined();
    expect((await breakerStates(stack))['GET /queue']).toBe('closed');
    expect(stack.calls('GET /queue')).toBe(4);
  });
});

/** Breaker state per route, as `/metrics` reports it. */
async function breakerStates(stack: Stack): Promise<Record<string, string>> {
  const names = ['closed', 'half_open', 'open'];
  const out: Record<string, string> = {};
  for (const match of (await metricsText(stack)).matchAll(/^coordinator_breaker_state\{route="([^"]+)"\} (\d)$/gm)) {
    out[match[1] as string] = names[Number(match[2])] as string;
  }
  return out;
}

describe('readiness probe', () => {
  const stack = useStack();

  it('probes the coordinator at most once per interval and shares one probe between callers', async () => {
    let probes = 0;
    let now = 0;
    let up = true;
    const ready = createReadinessProbe({
      probe: async () => {
        probes++;
        return up;
      },
      intervalMs: 5_000,
      now: () => now,
    });
    expect(await Promise.all([ready(), ready(), ready()])).toEqual([true, true, true]);
    expect(probes).toBe(1);
    up = false;
    now = 4_999;
    expect(await ready()).toBe(true);
    expect(probes).toBe(1);
    now = 5_000;
    expect(await ready()).toBe(false);
    expect(probes).toBe(2);
  });

  it('is not ready while any route’s breaker is open, and a failing probe counts as unreachable', async () => {
    const states: Array<{ route: string; state: 'closed' | 'open' | 'half_open'; failures: number }> = [
      { route: 'GET /queue', state: 'closed', failures: 0 },
    ];
    const ready = createReadinessProbe({ probe: async () => true, breakerStates: () => states });
    expect(await ready()).toBe(true);
    states[0] = { route: 'GET /queue', state: 'open', failures: 5 };
    expect(await ready()).toBe(false);
    const throwing = createReadinessProbe({ probe: () => Promise.reject(new Error('boom')) });
    expect(await throwing()).toBe(false);
  });

  it('pings the real coordinator: reachable emulator → ready, closed port → not ready', async () => {
    const up = createCoordinatorClient({ baseUrl: stack.emulator.url });
    const down = createCoordinatorClient({ baseUrl: 'http://127.0.0.1:9/v1/modules/scaimind' });
    try {
      expect(await coordinatorPing(up)).toBe(true);
      expect(await createReadinessProbe({ client: up })()).toBe(true);
      expect(await coordinatorPing(down, 500)).toBe(false);
    } finally {
      await Promise.all([up.close(), down.close()]);
    }
  });

  it('validates the new configuration variables, naming the variable', () => {
    expect(() => loadConfig({ MAX_DEPTH: '0' })).toThrow(/^MAX_DEPTH: /);
    expect(() => loadConfig({ MAX_COST: 'lots' })).toThrow(/^MAX_COST: /);
    expect(() => loadConfig({ MAX_BODY_BYTES: '10' })).toThrow(/^MAX_BODY_BYTES: /);
    expect(() => loadConfig({ COORDINATOR_BREAKER_THRESHOLD: '-1' })).toThrow(/^COORDINATOR_BREAKER_THRESHOLD: /);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: /,
    );
    expect(() => loadConfig({ ALLOW_ARBITRARY_OPERATIONS: 'false' })).toThrow(
      /^ALLOW_ARBITRARY_OPERATIONS: .*PERSISTED_OPERATIONS/,
    );
    const config = loadConfig({
      ALLOW_ARBITRARY_OPERATIONS: 'false',
      PERSISTED_OPERATIONS: 'ops.json',
      MAX_DEPTH: '8',
    });
    expect(config).toMatchObject({ allowArbitraryOperations: false, persistedOperationsFile: 'ops.json', maxDepth: 8 });
    expect(loadConfig({})).toMatchObject({
      maxDepth: 12,
      maxAliases: 15,
      maxDirectives: 50,
      maxTokens: 1_000,
      maxCost: 1_000,
      maxBodyBytes: 100_000,
      breakerThreshold: 5,
      introspection: true,
      metrics: true,
      otelEndpoint: null,
    });
  });

  it('turns the breaker on by default from the configuration', () => {
    expect(breakerOptions(defaultConfig())).toEqual({ failureThreshold: 5, resetTimeoutMs: 10_000 });
    expect(breakerOptions(defaultConfig({ breakerThreshold: 0 }))).toBeUndefined();
  });
});

describe('metrics, logs and request ids', () => {
  const metrics = createMetrics();
  const stack = useStack({
    config: { logLevel: 'debug', coordinatorTimeoutMs: 300 },
    client: { onCall: metrics.onCall, circuitBreaker: { failureThreshold: 100 } },
    deps: { metrics },
  });
  afterEach(() => stack.emulator.clearFaults());

  it('serves Prometheus metrics: operations, errors by code, upstream calls by route and status, breakers, live', async () => {
    await stack.run(QUEUE);
    await stack.run(JOBS);
    await stack.run('{ trainingJob(id: "job_00000000") { jobId } }');
    await stack.run('{ nope }');
    const text = await metricsText(stack);
    expect(text).toMatch(/graphql_operations_total\{operation="query",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/graphql_operations_total\{operation="query",outcome="error"\} [1-9]/);
    expect(text).toMatch(/graphql_operation_duration_seconds_count\{operation="query"\} [1-9]/);
    expect(text).toMatch(/graphql_errors_total\{code="NOT_FOUND"\} 1/);
    expect(text).toMatch(/graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
    expect(text).toMatch(/coordinator_calls_total\{route="GET \/queue",status="200"\} [1-9]/);
    expect(text).toMatch(/coordinator_calls_total\{route="GET \/jobs\/\{job_id\}",status="404"\} 1/);
    expect(text).toMatch(/coordinator_call_duration_seconds_bucket\{le="[\d.]+",route="GET \/jobs"\}/);
    expect(text).toMatch(/coordinator_breaker_state\{route="GET \/queue"\} 0/);
    expect(text).toMatch(/gateway_live_pollers 0/);
    expect(text).toMatch(/gateway_live_subscribers 0/);
    // The runtime figures every Prometheus user expects (prom-client's default collectors).
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes [1-9]/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^nodejs_active_handles_total /m);
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram/m);
    expect((await stack.gateway.fetch('http://gateway.test/metrics', { method: 'POST' })).status).toBe(405);
  });

  it('never puts tokens or API keys into logs, errors or metrics', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 500 }]);
    const bodies: string[] = [];
    for (const token of [...ALL_KEYS, INVALID_KEY]) {
      for (const query of [QUEUE, '{ trainingJob(id: "job_00000001") { jobId } }', '{ nope }']) {
        const response = await stack.run(query, undefined, { token });
        bodies.push(JSON.stringify(response.body), JSON.stringify([...response.headers]));
      }
    }
    const text = await metricsText(stack);
    const logs = stack.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [...ALL_KEYS, INVALID_KEY]) {
      expect(logs).not.toContain(secret);
      expect(text).not.toContain(secret);
      for (const body of bodies) expect(body).not.toContain(secret);
    }
    expect(logs).not.toMatch(/Bearer /);
  });

  it('puts a supplied x-request-id on every log line of that operation', async () => {
    stack.emulator.setFaults([{ route: 'GET /queue', kind: 'status', status: 500 }]);
    const before = stack.logs.length;
    const response = await stack.run(QUEUE, undefined, { headers: { 'x-request-id': 'req-every-line-7' } });
    expect(response.headers.get('x-request-id')).toBe('req-every-line-7');
    expect(response.body.errors?.[0]?.extensions?.requestId).toBe('req-every-line-7');
    const lines = stack.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.some((line) => line.level === 'error')).toBe(true);
    for (const line of lines) expect(line.requestId, JSON.stringify(line)).toBe('req-every-line-7');
  });
});

describe('tracing', () => {
  it('exports a span per operation and a child span per upstream call (in-memory exporter)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = await createTracing({ exporter, serviceName: 'gateway-test' });
    const stack = await startStack({ client: { onCall: tracing.onCall }, deps: { tracing } });
    try {
      const response = await stack.run(`query Both ${JOBS.replace(/^\{/, '{ queue { depth }')}`);
      expect(response.body.errors).toBeUndefined();
      await tracing.forceFlush();
      const spans = exporter.getFinishedSpans();
      const operation = spans.find((span) => span.name === 'query Both');
      expect(operation).toBeDefined();
      expect(operation?.attributes['graphql.operation.type']).toBe('query');
      expect(operation?.resource.attributes['service.name']).toBe('gateway-test');
      const upstream = spans.filter((span) => span.name.startsWith('GET '));
      expect(upstream.map((span) => span.name).sort()).toEqual(['GET /jobs', 'GET /queue']);
      for (const span of upstream) {
        expect(span.parentSpanContext?.spanId).toBe(operation?.spanContext().spanId);
        expect(span.spanContext().traceId).toBe(operation?.spanContext().traceId);
        expect(span.attributes['http.response.status_code']).toBe(200);
      }
    } finally {
      await stack.close();
      await tracing.shutdown();
    }
  });
});

describe('persisted operations', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const persisted = { [sha(QUEUE)]: QUEUE };
  const send = async (stack: Stack, body: unknown) => {
    const response = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> },
    };
  };

  it('runs operations by hash or documentId; with ALLOW_ARBITRARY_OPERATIONS=false nothing else', async () => {
    const stack = await startStack({
      config: { allowArbitraryOperations: false, persistedOperationsFile: 'ops.json' },
      deps: { persistedOperations: persisted },
    });
    try {
      const byHash = await send(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: sha(QUEUE) } } });
      expect(byHash.body).toEqual({ data: { queue: { depth: expect.any(Number) } } });
      const byDocumentId = await send(stack, { documentId: sha(QUEUE) });
      expect(byDocumentId.body).toEqual({ data: { queue: { depth: expect.any(Number) } } });

      stack.emulator.resetStats();
      const arbitrary = await send(stack, { query: JOBS });
      expect(arbitrary.status).toBe(400);
      expect(arbitrary.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
      const unknown = await send(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: sha(JOBS) } } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(stack.calls()).toBe(0);
    } finally {
      await stack.close();
    }
  });

  it('validates the PERSISTED_OPERATIONS file', () => {
    expect(parsePersistedOperations(JSON.stringify(persisted), 'ops.json')).toEqual(persisted);
    expect(() => parsePersistedOperations('{', 'ops.json')).toThrow(/ops.json: not JSON/);
    expect(() => parsePersistedOperations('["x"]', 'ops.json')).toThrow(/expected a JSON object/);
    expect(() => parsePersistedOperations('{"abc": 1}', 'ops.json')).toThrow(/"abc" is not a query string/);
  });

  it('keeps arbitrary operations for GraphiQL users by default', async () => {
    const stack = await startStack({ deps: { persistedOperations: persisted } });
    try {
      expect((await send(stack, { query: JOBS })).body.errors).toBeUndefined();
      const byHash = await send(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: sha(QUEUE) } } });
      expect(byHash.body.errors).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
