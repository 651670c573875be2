import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { SEED_TIME_MS, SimClock } from './clock.js';
import type { Controls } from './control.js';
import { type Drift, type DriftProfileName, driftOf } from './drift.js';
import { DEFAULT_RANDOM_SEED, FaultInjector } from './faults.js';
import { PageTokens } from './pagination.js';
import { RateLimiter } from './ratelimit.js';
import { seedStore } from './seed.js';
import { BASE_PATH, createRequestListener, type Runtime } from './server.js';
import { StatsRecorder } from './stats.js';
import { Store } from './store.js';
import { Timers } from './timers.js';
import { type Emulator, type EmulatorOptions, RESULT_SHAPES, type ResultShape } from './types.js';

export { EMULATOR_KEYS } from './auth.js';
export { DRIFT_PROFILE_NAMES } from './drift.js';
export type {
  Drift,
  DriftProfileName,
  Emulator,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  FaultSpec,
  ResultShape,
} from './types.js';

function checkOptions(options: EmulatorOptions): void {
  const { speed, seedJobs, rateLimitPerMinute, latencyMs, resultShape, streamHeartbeatMs } = options;
  if (speed !== undefined && !(Number.isFinite(speed) && speed >= 0)) throw new RangeError('speed must be >= 0');
  if (seedJobs !== undefined && !(Number.isInteger(seedJobs) && seedJobs >= 0)) {
    throw new RangeError('seedJobs must be a non-negative integer');
  }
  if (rateLimitPerMinute != null && !(Number.isInteger(rateLimitPerMinute) && rateLimitPerMinute > 0)) {
    throw new RangeError('rateLimitPerMinute must be a positive integer or null');
  }
  if (latencyMs !== undefined && !(latencyMs >= 0)) throw new RangeError('latencyMs must be >= 0');
  if (streamHeartbeatMs !== undefined && !(streamHeartbeatMs > 0))
    throw new RangeError('streamHeartbeatMs must be > 0');
  if (resultShape !== undefined && !RESULT_SHAPES.includes(resultShape)) {
    throw new RangeError(`resultShape must be one of ${RESULT_SHAPES.join(', ')}`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('emulator: no TCP address'));
      else resolve(address.port);
    });
  });
}

/**
 * Starts the ScaiMind coordinator emulator on a loopback port: seeded demo tenants, a simulated
 * clock, fault injection and request statistics. Close it with `close()`.
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options);
  const seedJobs = options.seedJobs ?? 36;
  const initialDrift: Drift = driftOf(options.profile);
  if (options.resultShape !== undefined) initialDrift.results = options.resultShape;
  const seeded = () => {
    const store = new Store();
    seedStore(store, SEED_TIME_MS, seedJobs);
    return store;
  };

  const clock = new SimClock(options.speed ?? 1);
  const stats = new StatsRecorder();
  const faults = new FaultInjector(options.randomSeed ?? DEFAULT_RANDOM_SEED);
  const limiter = new RateLimiter(options.rateLimitPerMinute ?? null);
  const controls: Controls = {
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    reset: () => {
      clock.reset();
      runtime.store = seeded();
      runtime.drift = { ...initialDrift };
      faults.reset();
      limiter.reset();
      stats.reset();
    },
    setFaults: (list) => faults.set(list),
    setResultShape: (shape) => {
      if (!RESULT_SHAPES.includes(shape)) throw new RangeError(`unknown result shape ${shape}`);
      runtime.drift = { ...runtime.drift, results: shape };
    },
    setProfile: (profile) => {
      runtime.drift = driftOf(profile);
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
  };
  const runtime: Runtime = {
    clock,
    store: seeded(),
    faults,
    limiter,
    stats,
    tokens: new PageTokens(),
    timers: new Timers(),
    controls,
    drift: { ...initialDrift },
    latencyMs: options.latencyMs ?? 0,
    streamHeartbeatMs: options.streamHeartbeatMs ?? 10_000,
  };

  const server = createServer(createRequestListener(runtime));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}${BASE_PATH}`,
    origin,
    advance: controls.advance,
    reset: controls.reset,
    setFaults: controls.setFaults,
    clearFaults: () => faults.clear(),
    setResultShape: (shape: ResultShape) => controls.setResultShape(shape),
    setProfile: (profile: DriftProfileName | Partial<Drift>) => controls.setProfile(profile),
    get drift() {
      return { ...runtime.drift };
    },
    stats: controls.stats,
    resetStats: controls.resetStats,
    close() {
      closing ??= new Promise<void>((resolve) => {
        runtime.timers.clearAll();
        server.close(() => resolve());
        // Hung requests, SSE streams and idle keep-alive connections would otherwise hold close() open.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
