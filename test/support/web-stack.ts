/**
 * The runs page under test: a real gateway server (live hub, the page built from web/ into a temp
 * folder and served at `/`) over an emulator on a frozen clock the test advances. The browser is
 * the team's (test/support/browser.ts): Debian Chromium, every other host blocked and recorded.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { createCoordinatorClient } from '../../src/coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../../src/emulator/index.js';
import { createLiveHub } from '../../src/live/hub.js';
import { coordinatorPollFetch } from '../../src/live/upstream.js';
import { createLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { loadStaticSite } from '../../src/static-site.js';
import { buildWeb, type WebBuild } from '../../web/build.js';

export { EMULATOR_KEYS };

export interface WebGateway {
  emulator: Emulator;
  server: RunningServer;
  /** http://127.0.0.1:<port> */
  origin: string;
  stop(): Promise<void>;
}

/** Builds the page once per test file. */
export async function buildPage(): Promise<WebBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'scaimind-web-'));
  return buildWeb(dir);
}

export async function startWebGateway(
  build: WebBuild,
  options: { defaultCredential?: boolean; emulator?: Emulator } = {},
): Promise<WebGateway> {
  const emulator = options.emulator ?? (await createEmulator({ speed: 0 }));
  const config = defaultConfig({ coordinatorUrl: emulator.url, pollIntervalMs: 50, pollMaxIntervalMs: 400 });
  const client = createCoordinatorClient({ baseUrl: emulator.url, timeoutMs: 2000, retry: { maxAttempts: 1 } });
  const log = createLogger('error', () => {});
  const hub = createLiveHub({
    fetch: coordinatorPollFetch(client, config.requestTimeoutMs),
    pollIntervalMs: config.pollIntervalMs,
    pollMaxIntervalMs: config.pollMaxIntervalMs,
    pollGiveUpMs: 5000,
    log,
  });
  const gateway = createGateway(config, {
    client,
    log,
    defaultCredential: options.defaultCredential === false ? null : `Bearer ${EMULATOR_KEYS.dev}`,
    live: hub,
  });
  const server = await startServer(gateway, {
    host: '127.0.0.1',
    port: 0,
    keepAliveMs: 1000,
    shutdownGraceMs: 1000,
    onDrain: () => hub.close(),
    site: await loadStaticSite(build.dir),
  });
  return {
    emulator,
    server,
    origin: new URL(server.url).origin,
    async stop() {
      await server.stop();
      await hub.close();
      await client.close();
      if (!options.emulator) await emulator.close();
    },
  };
}
