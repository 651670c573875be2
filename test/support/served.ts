/**
 * The gateway as `npm start` runs it by default, on a real loopback port: an in-process emulator
 * (frozen clock, advanced by the test), live status in memory, and the emulator's development key
 * for requests without a credential. For client libraries and browsers, which need a real socket.
 */
import { createGateway, type Gateway, type GatewayDeps } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import { createCoordinatorClient } from '../../src/coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../../src/emulator/index.js';
import { createLiveHub, type PollingLiveHub } from '../../src/live/hub.js';
import { coordinatorPollFetch } from '../../src/live/upstream.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';

export { EMULATOR_KEYS };

export interface ServedGateway {
  emulator: Emulator;
  gateway: Gateway;
  hub: PollingLiveHub;
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** ws://127.0.0.1:PORT/graphql */
  wsUrl: string;
  /** Every log line, as JSON text. */
  logs: string[];
  stop(): Promise<void>;
}

export interface ServeOptions {
  config?: Partial<Config>;
  deps?: Partial<GatewayDeps>;
}

export async function serveGateway(options: ServeOptions = {}): Promise<ServedGateway> {
  const emulator = await createEmulator({ speed: 0 });
  const config = defaultConfig({
    coordinatorUrl: emulator.url,
    pollIntervalMs: 50,
    pollMaxIntervalMs: 400,
    ...options.config,
  });
  const client = createCoordinatorClient({ baseUrl: emulator.url, timeoutMs: 5000, retry: { maxAttempts: 1 } });
  const logs: string[] = [];
  const log = createLogger('info', (line) => logs.push(line));
  const hub = createLiveHub({
    fetch: coordinatorPollFetch(client, config.requestTimeoutMs),
    pollIntervalMs: config.pollIntervalMs,
    pollMaxIntervalMs: config.pollMaxIntervalMs,
    pollGiveUpMs: config.pollGiveUpMs,
    log,
  });
  const gateway = createGateway(config, {
    client,
    log,
    defaultCredential: `Bearer ${EMULATOR_KEYS.dev}`,
    live: hub,
    ...options.deps,
  });
  const server = await startServer(gateway, {
    host: '127.0.0.1',
    port: 0,
    keepAliveMs: 2000,
    shutdownGraceMs: 1000,
    onDrain: () => hub.close(),
  });
  const origin = new URL(server.url).origin;
  return {
    emulator,
    gateway,
    hub,
    url: server.url,
    origin,
    wsUrl: server.url.replace(/^http/, 'ws'),
    logs,
    async stop() {
      await server.stop();
      await hub.close();
      await client.close();
      await emulator.close();
    },
  };
}
