/**
 * The process entry point: the only module that reads the environment, opens ports and handles
 * signals. `node dist/main.js` (`npm start`, built by `npm run build`) or `tsx src/main.ts` runs the gateway;
 * with the argument `emulator` it runs the emulator alone.
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createGateway } from './app.js';
import { type Config, ConfigError, type EmulatorConfig, loadConfig, loadEmulatorConfig } from './config.js';
import { createCoordinatorClient } from './coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from './emulator/index.js';
import { createRedisIdempotencyStore } from './idempotency-redis.js';
import { createLiveHub } from './live/hub.js';
import { createRedisLeaseStore } from './live/lease.js';
import { createRedisPubSub } from './live/pubsub.js';
import type { LiveMessage } from './live/types.js';
import { coordinatorPollFetch } from './live/upstream.js';
import { createLogger, type Logger } from './log.js';
import { combineOnCall, createMetrics } from './metrics.js';
import { breakerOptions, createReadinessProbe } from './readiness.js';
import { parsePersistedOperations } from './security.js';
import { startServer } from './server.js';
import { loadStaticSite } from './static-site.js';
import { createTracing } from './tracing.js';

const writeLine = (line: string) => process.stdout.write(`${line}\n`);

function emulatorOptions(config: EmulatorConfig, port: number) {
  return {
    port,
    speed: config.speed,
    resultShape: config.resultShape,
    seedJobs: config.seedJobs,
    rateLimitPerMinute: config.rateLimitPerMinute,
    latencyMs: config.latencyMs,
  };
}

async function runEmulator(log: Logger): Promise<void> {
  const config = loadEmulatorConfig(process.env);
  const emulator = await createEmulator(emulatorOptions(config, config.port));
  log.info('coordinator emulator listening', {
    baseUrl: emulator.url,
    controlApi: `${emulator.origin}/_emulator/stats`,
    speed: config.speed,
    resultShape: config.resultShape,
  });
  // The development key is public test data, printed so a new user can curl at once.
  writeLine(`\nScaiMind emulator: ${emulator.url}`);
  writeLine(`Development key:   ${EMULATOR_KEYS.dev}`);
  writeLine(`Try: curl -H "Authorization: Bearer ${EMULATOR_KEYS.dev}" ${emulator.url}/jobs?page_size=3\n`);
  onShutdown(log, () => emulator.close());
}

async function runGateway(config: Config, log: Logger): Promise<void> {
  const emulator: Emulator | null =
    config.coordinatorUrl === null ? await createEmulator(emulatorOptions(config.emulator, 0)) : null;
  const baseUrl = config.coordinatorUrl ?? (emulator as Emulator).url;
  if (emulator) {
    log.warn('COORDINATOR_URL is not set: using the built-in coordinator emulator (embedded default)', {
      emulatorUrl: emulator.url,
      note: 'requests without an Authorization header use the emulator development key',
    });
  }
  const metrics = config.metrics ? createMetrics() : undefined;
  const tracing = config.otelEndpoint
    ? await createTracing({ endpoint: config.otelEndpoint, serviceName: config.otelServiceName })
    : undefined;
  const persistedOperations = config.persistedOperationsFile
    ? parsePersistedOperations(await readFile(config.persistedOperationsFile, 'utf8'), config.persistedOperationsFile)
    : undefined;
  const client = createCoordinatorClient({
    baseUrl,
    timeoutMs: config.coordinatorTimeoutMs,
    retry: { maxAttempts: config.coordinatorRetries },
    connections: config.coordinatorConnections,
    circuitBreaker: breakerOptions(config),
    onCall: combineOnCall(metrics?.onCall, tracing?.onCall),
  });
  // With Redis: events over pub/sub, one poller per resource across instances, shared idempotency.
  // A subscribed connection can do nothing else, hence the second one.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  const redisSubscriber = redis?.duplicate() ?? null;
  for (const connection of [redis, redisSubscriber]) {
    connection?.on('error', (error: unknown) => log.warn('redis connection error', { error }));
  }
  const live = createLiveHub({
    fetch: coordinatorPollFetch(client, config.requestTimeoutMs),
    pollIntervalMs: config.pollIntervalMs,
    pollMaxIntervalMs: config.pollMaxIntervalMs,
    pollGiveUpMs: config.pollGiveUpMs,
    pubsub:
      redis && redisSubscriber
        ? createRedisPubSub<LiveMessage>({ publisher: redis, subscriber: redisSubscriber, prefix: 'scaimind:live:' })
        : undefined,
    lease: redis ? createRedisLeaseStore(redis, 'scaimind:live:') : undefined,
    log,
  });
  const idempotency = redis ? createRedisIdempotencyStore(redis, { prefix: 'scaimind:idem:' }) : undefined;
  const gateway = createGateway(config, {
    client,
    log,
    defaultCredential: emulator ? `Bearer ${EMULATOR_KEYS.dev}` : null,
    live,
    idempotency,
    metrics,
    tracing,
    persistedOperations,
  });
  const webDist = fileURLToPath(new URL('../web/dist/', import.meta.url));
  const site = await loadStaticSite(webDist);
  if (!site) log.warn('the runs page is not built: `npm run build:web` builds it for /', { dir: webDist });
  const ready = createReadinessProbe({ client, intervalMs: config.readyIntervalMs });
  const server = await startServer(gateway, {
    host: config.host,
    port: config.port,
    keepAliveMs: config.wsKeepAliveMs,
    drainDelayMs: config.shutdownDrainMs,
    ready,
    // SSE streams are invisible to the server: ending the watches lets their connections finish.
    onDrain: () => live.close(),
    site,
  });
  log.info('gateway listening', {
    url: server.url,
    runsPage: site ? server.url.replace(/\/graphql$/, '/') : null,
    graphiql: server.url,
    coordinator: baseUrl,
    live: redis ? 'redis (shared across instances)' : 'in-process',
  });
  onShutdown(log, async () => {
    // Order matters: stop taking work and close sockets (1001), then pollers and leases (which
    // still need Redis and the coordinator pool), then the connections themselves.
    await server.stop();
    await live.close();
    await idempotency?.close();
    redisSubscriber?.disconnect();
    await redis?.quit();
    await client.close();
    await tracing?.shutdown();
    await emulator?.close();
  });
}

function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel, writeLine);
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason }));
  if (process.argv[2] === 'emulator') await runEmulator(log);
  else await runGateway(config, log);
}

await main();
