/**
 * Gateways with live status on real sockets: each instance is the stack `main.ts` runs
 * (`createGatewayStack`) on port 0 over one shared emulator, with its own hub (in-memory, or Redis
 * under a per-run key prefix), plus graphql-ws and SSE clients that record everything they receive.
 */
import { randomUUID } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';
import { WebSocket } from 'ws';
import type { Gateway } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import type { CoordinatorClient } from '../../src/coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../../src/emulator/index.js';
import type { IdempotencyStore } from '../../src/idempotency.js';
import type { PollingLiveHub, StreamSettings } from '../../src/live/hub.js';
import { createLogger } from '../../src/log.js';
import type { RunningServer } from '../../src/server.js';
import { createGatewayStack } from '../../src/stack.js';
import { sseEvents } from './sse.js';

export { EMULATOR_KEYS };

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** True when Redis answers on 127.0.0.1:6379; with CI_REQUIRE_REDIS=1 its absence is an error. */
export async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    if (process.env.CI_REQUIRE_REDIS === '1') throw new Error('needs Redis at 127.0.0.1:6379 (CI_REQUIRE_REDIS=1)');
    return false;
  } finally {
    probe.disconnect();
  }
}

/** A key prefix no other test run shares, so parallel runs never see each other's leases. */
export function uniquePrefix(): string {
  return `test:${randomUUID().slice(0, 8)}:`;
}

export interface LiveInstance {
  gateway: Gateway;
  server: RunningServer;
  hub: PollingLiveHub;
  client: CoordinatorClient;
  idempotency: IdempotencyStore | undefined;
  /** ws:// URL of the GraphQL endpoint. */
  wsUrl: string;
  /** The stack's stop: the same order as `main.ts` on SIGTERM. */
  stop(): Promise<void>;
}

export interface LiveInstanceOptions {
  config?: Partial<Config>;
  /** With a prefix: Redis pub/sub, leases and idempotency under it. */
  redisPrefix?: string;
  leaseTtlMs?: number;
  drainDelayMs?: number;
  /** Stream relay tuning (tests shorten reconnect delays and batching). */
  streams?: Partial<StreamSettings>;
  maxPollers?: number;
}

/** One gateway as `main.ts` starts it (`createGatewayStack`), with test timings, on port 0. */
export async function startLiveInstance(emulator: Emulator, options: LiveInstanceOptions = {}): Promise<LiveInstance> {
  const config = defaultConfig({
    host: '127.0.0.1',
    port: 0,
    coordinatorUrl: emulator.url,
    coordinatorTimeoutMs: 2000,
    coordinatorRetries: 1,
    pollIntervalMs: 50,
    pollMaxIntervalMs: 400,
    pollGiveUpMs: 5000,
    wsKeepAliveMs: 1000,
    shutdownDrainMs: options.drainDelayMs ?? 0,
    redisUrl: options.redisPrefix !== undefined ? REDIS_URL : null,
    ...options.config,
  });
  const stack = await createGatewayStack(config, {
    log: createLogger('error', () => {}),
    defaultCredential: null,
    redisKeyPrefix: options.redisPrefix,
    leaseTtlMs: options.leaseTtlMs,
    streams: { batchMs: 5, reconnect: { baseMs: 20, maxMs: 200 }, ...options.streams },
    maxPollers: options.maxPollers,
    shutdownGraceMs: 1000,
  });
  const server = await stack.listen();
  return {
    gateway: stack.gateway,
    server,
    hub: stack.live,
    client: stack.client,
    idempotency: stack.idempotency,
    wsUrl: server.url.replace(/^http/, 'ws'),
    stop: () => stack.stop(),
  };
}

/**
 * Per test of the enclosing file or block: a fresh emulator and one live gateway on it (handed to
 * `onStart`, again after each `restart`), and the graphql-ws clients `client()` makes, disposed
 * after the test and before the gateway stops.
 */
export function useLiveInstance(onStart: (started: { emulator: Emulator; instance: LiveInstance }) => void): {
  client(token?: string | null): ReturnType<typeof wsClient>;
  /** Replaces the gateway with one started with `options` (same emulator). */
  restart(options: LiveInstanceOptions): Promise<void>;
} {
  let emulator: Emulator | undefined;
  let instance: LiveInstance | undefined;
  const clients: Array<{ dispose: () => void | Promise<void> }> = [];
  const running = () => {
    if (!emulator || !instance) throw new Error('useLiveInstance: used before its beforeEach ran');
    return { emulator, instance };
  };
  beforeEach(async () => {
    emulator = await startEmulator();
    instance = await startLiveInstance(emulator);
    onStart(running());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await instance?.stop();
    await emulator?.close();
  });
  return {
    client(token: string | null = EMULATOR_KEYS.dev) {
      const created = wsClient(running().instance.wsUrl, token);
      clients.push(created);
      return created;
    },
    async restart(options) {
      const current = running();
      await current.instance.stop();
      instance = await startLiveInstance(current.emulator, options);
      onStart(running());
    },
  };
}

export async function startEmulator(): Promise<Emulator> {
  return createEmulator({ speed: 0 });
}

/** The id of a seeded evaluation in the given status (dev key's tenant). */
export async function seededEvaluation(emulator: Emulator, status: string): Promise<string> {
  const reply = await fetch(`${emulator.url}/evaluations?status=${status}&page_size=50`, {
    headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
  });
  // Evaluation listings are job-shaped workload records: job_id is the evaluation's own id.
  const body = (await reply.json()) as { data: { jobs: Array<{ job_id: string }> } };
  const first = body.data.jobs[0];
  if (!first) throw new Error(`no seeded ${status} evaluation`);
  return first.job_id;
}

export const EVALUATION_UPDATED = /* GraphQL */ `
  subscription Watch($id: ID!) {
    evaluationUpdated(id: $id) { evaluationId status isTerminal message benchmarks { name status score } }
  }
`;

export const JOB_UPDATED = /* GraphQL */ `
  subscription WatchJob($id: ID!) {
    trainingJobUpdated(id: $id) { jobId status progress { currentStep } }
  }
`;

interface ErrorPayload {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface Recording {
  /** `data` of every `next`. */
  events: Array<Record<string, unknown>>;
  /** GraphQL errors received (in `next` payloads or an `error` message). */
  errors: ErrorPayload[];
  completed: boolean;
  /** Close code when the socket closed under the subscription. */
  closeCode: number | null;
  /** Settles on complete, error or close. */
  finished: Promise<void>;
  /** Stops the subscription from the client side. */
  unsubscribe(): void;
}

export function wsClient(url: string, token: string | null): Client & { closeCodes: number[] } {
  const closeCodes: number[] = [];
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => closeCodes.push((event as { code: number }).code) },
  });
  return Object.assign(client, { closeCodes });
}

/** Subscribes over graphql-ws and records everything. */
export function record(client: Client, query: string, variables: Record<string, unknown>): Recording {
  let finish = () => {};
  const recording: Recording = {
    events: [],
    errors: [],
    completed: false,
    closeCode: null,
    finished: new Promise<void>((resolve) => {
      finish = resolve;
    }),
    unsubscribe: () => {},
  };
  recording.unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.data) recording.events.push(result.data as Record<string, unknown>);
        if (result.errors) recording.errors.push(...(result.errors as ErrorPayload[]));
      },
      error: (error) => {
        if (Array.isArray(error)) recording.errors.push(...(error as ErrorPayload[]));
        else if (error && typeof error === 'object' && 'code' in error)
          recording.closeCode = Number((error as { code: number }).code);
        else recording.errors.push({ message: String(error) });
        finish();
      },
      complete: () => {
        recording.completed = true;
        finish();
      },
    },
  );
  return recording;
}

export interface SseRecording {
  events: Array<{ event: string; data: unknown }>;
  status: number;
  finished: Promise<void>;
  abort(): void;
}

/** Subscribes over SSE (POST, Accept: text/event-stream) and records every event. */
export async function recordSse(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<SseRecording> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const events: SseRecording['events'] = [];
  const finished = (async () => {
    if (!response.body) return;
    try {
      for await (const { event, data } of sseEvents(response.body)) {
        if (event) events.push({ event, data: data ? JSON.parse(data) : null });
      }
    } catch {
      // Aborted by the test, or the server closed the stream.
    }
  })();
  return { events, status: response.status, finished, abort: () => controller.abort() };
}
