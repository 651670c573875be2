/**
 * createGatewayStack: everything one gateway process runs, wired once, for `main.ts` and for the
 * tests that need real sockets: the embedded emulator (when no coordinator URL is configured), the
 * coordinator client, Redis connections, the live hub, the idempotency store, metrics, tracing,
 * the Yoga gateway, readiness and the server; and the one order in which they stop.
 *
 * It reads no environment and handles no signal (graphql-ws separates `makeServer` from
 * `useServer` the same way): `main.ts` turns the environment into a `Config`, calls `listen()`,
 * and wires SIGTERM to `stop()`.
 */
import { Redis } from 'ioredis';
import { createGateway, type Gateway } from './app.js';
import { createRedisApqStore } from './apq.js';
import type { Config, EmulatorConfig } from './config.js';
import { type CoordinatorClient, createCoordinatorClient } from './coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator, type EmulatorOptions } from './emulator/index.js';
import type { IdempotencyStore } from './idempotency.js';
import { createRedisIdempotencyStore } from './idempotency-redis.js';
import { createLiveHub, type PollingLiveHub, type StreamSettings } from './live/hub.js';
import { createRedisLeaseStore } from './live/lease.js';
import { createRedisPubSub } from './live/pubsub.js';
import type { LiveMessage } from './live/types.js';
import { coordinatorPollFetch, coordinatorStreamOpen } from './live/upstream.js';
import type { Logger } from './log.js';
import { combineOnCall, createMetrics, type GatewayMetrics } from './metrics.js';
import { breakerOptions, createReadinessProbe } from './readiness.js';
import { type RunningServer, startServer } from './server.js';
import type { StaticSite } from './static-site.js';
import { createTracing, type GatewayTracing } from './tracing.js';

export interface GatewayStackDeps {
  log: Logger;
  /** Operation hash → query text (`main.ts` reads the `PERSISTED_OPERATIONS` file). */
  persistedOperations?: Readonly<Record<string, string>>;
  /**
   * Used when a request carries no credential. Default: the embedded emulator's development key
   * when the stack started one, else none (a request without a token is UNAUTHENTICATED).
   */
  defaultCredential?: string | null;
  /** Prefix of every Redis key this instance uses (pub/sub channels, leases, idempotency). */
  redisKeyPrefix?: string;
  /** Lease time-to-live of a shared poller. Default: 1.5 poll intervals. */
  leaseTtlMs?: number;
  /** Tuning of the job-stream relays (defaults: `DEFAULT_STREAM_SETTINGS`). */
  streams?: Partial<StreamSettings>;
  /** Resources one instance polls at once (default 1000; one more watch fails). */
  maxPollers?: number;
  /** The runs page served at `/` (`main.ts` loads web/dist); without it `/` is a 404. */
  site?: StaticSite | null;
  /** How long `stop()` waits for in-flight HTTP requests before closing their connections. */
  shutdownGraceMs?: number;
}

export interface GatewayStack {
  readonly gateway: Gateway;
  readonly client: CoordinatorClient;
  readonly live: PollingLiveHub;
  /** The shared store with Redis; undefined means the gateway's own in-process store. */
  readonly idempotency: IdempotencyStore | undefined;
  readonly metrics: GatewayMetrics | undefined;
  /** The embedded emulator, when `config.coordinatorUrl` is null. */
  readonly emulator: Emulator | null;
  /** The coordinator base URL in use (the embedded emulator's, or `config.coordinatorUrl`). */
  readonly coordinatorUrl: string;
  /** Opens `config.host`:`config.port` (HTTP, SSE and graphql-ws). */
  listen(): Promise<RunningServer>;
  /**
   * Stops in the one safe order: stop taking work and close sockets (graphql-ws 1001), then the
   * pollers and leases (which still need Redis and the coordinator pool), then the stores and
   * connections themselves, tracing, and the embedded emulator last.
   */
  stop(): Promise<void>;
}

/** What the emulator needs from the configuration, on the given port. */
export function emulatorOptions(config: EmulatorConfig, port: number): EmulatorOptions {
  return {
    port,
    speed: config.speed,
    resultShape: config.resultShape,
    seedJobs: config.seedJobs,
    rateLimitPerMinute: config.rateLimitPerMinute,
    latencyMs: config.latencyMs,
  };
}

export async function createGatewayStack(config: Config, deps: GatewayStackDeps): Promise<GatewayStack> {
  const { log } = deps;
  const emulator = config.coordinatorUrl === null ? await createEmulator(emulatorOptions(config.emulator, 0)) : null;
  const coordinatorUrl = config.coordinatorUrl ?? (emulator as Emulator).url;
  const metrics = config.metrics ? createMetrics() : undefined;
  const tracing: GatewayTracing | undefined = config.otelEndpoint
    ? await createTracing({ endpoint: config.otelEndpoint, serviceName: config.otelServiceName })
    : undefined;
  const client = createCoordinatorClient({
    baseUrl: coordinatorUrl,
    timeoutMs: config.coordinatorTimeoutMs,
    retry: { maxAttempts: config.coordinatorRetries },
    connections: config.coordinatorConnections,
    circuitBreaker: breakerOptions(config),
    onCall: combineOnCall(metrics?.onCall, tracing?.onCall),
  });
  // With Redis: events over pub/sub, one poller per resource across instances, shared idempotency.
  // A subscribed connection can do nothing else, hence the second one.
  const prefix = deps.redisKeyPrefix ?? 'scaimind:';
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  const redisSubscriber = redis?.duplicate() ?? null;
  for (const connection of [redis, redisSubscriber]) {
    connection?.on('error', (error: unknown) => log.warn('redis connection error', { error }));
  }
  const live = createLiveHub({
    fetch: coordinatorPollFetch(client, config.requestTimeoutMs),
    open: coordinatorStreamOpen(client),
    streams: deps.streams,
    maxPollers: deps.maxPollers,
    pollIntervalMs: config.pollIntervalMs,
    pollMaxIntervalMs: config.pollMaxIntervalMs,
    pollGiveUpMs: config.pollGiveUpMs,
    leaseTtlMs: deps.leaseTtlMs,
    pubsub:
      redis && redisSubscriber
        ? createRedisPubSub<LiveMessage>({ publisher: redis, subscriber: redisSubscriber, prefix: `${prefix}live:` })
        : undefined,
    lease: redis ? createRedisLeaseStore(redis, `${prefix}live:`) : undefined,
    log,
  });
  const idempotency = redis ? createRedisIdempotencyStore(redis, { prefix: `${prefix}idem:` }) : undefined;
  const apq = redis ? createRedisApqStore(redis, `${prefix}apq:`) : undefined;
  const gateway = createGateway(config, {
    apq,
    client,
    log,
    defaultCredential:
      deps.defaultCredential !== undefined ? deps.defaultCredential : emulator ? `Bearer ${EMULATOR_KEYS.dev}` : null,
    live,
    idempotency,
    metrics,
    tracing,
    persistedOperations: deps.persistedOperations,
  });

  let server: RunningServer | null = null;
  let stopped: Promise<void> | null = null;
  return {
    gateway,
    client,
    live,
    idempotency,
    metrics,
    emulator,
    coordinatorUrl,
    async listen() {
      if (server) return server;
      server = await startServer(gateway, {
        host: config.host,
        port: config.port,
        keepAliveMs: config.wsKeepAliveMs,
        maxBodyBytes: config.maxBodyBytes,
        drainDelayMs: config.shutdownDrainMs,
        shutdownGraceMs: deps.shutdownGraceMs,
        ready: createReadinessProbe({ client, intervalMs: config.readyIntervalMs }),
        // SSE streams are invisible to the server: ending the watches lets their connections finish.
        onDrain: () => live.close(),
        site: deps.site,
        allowedOrigins: config.corsOrigins,
      });
      return server;
    },
    stop() {
      stopped ??= (async () => {
        await server?.stop();
        await live.close();
        await idempotency?.close();
        redisSubscriber?.disconnect();
        await redis?.quit();
        await client.close();
        await tracing?.shutdown();
        await emulator?.close();
      })();
      return stopped;
    },
  };
}
