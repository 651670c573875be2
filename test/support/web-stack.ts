/**
 * The runs page under test: a real gateway server (live hub, the page built from web/ into a temp
 * folder and served at `/`) over an emulator on a frozen clock the test advances. The browser is
 * the team's (test/support/browser.ts): Debian Chromium, every other host blocked and recorded.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import type { RunningServer } from '../../src/server.js';
import { createGatewayStack } from '../../src/stack.js';
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
  // Wired the way `npm start` wires it (createGatewayStack), on an ephemeral port, polling fast.
  const stack = await createGatewayStack(
    defaultConfig({
      coordinatorUrl: emulator.url,
      host: '127.0.0.1',
      port: 0,
      pollIntervalMs: 50,
      pollMaxIntervalMs: 400,
      wsKeepAliveMs: 1000,
      metrics: false,
    }),
    {
      log: createLogger('error', () => {}),
      defaultCredential: options.defaultCredential === false ? null : `Bearer ${EMULATOR_KEYS.dev}`,
      site: await loadStaticSite(build.dir),
      shutdownGraceMs: 1000,
    },
  );
  const server = await stack.listen();
  return {
    emulator,
    server,
    origin: new URL(server.url).origin,
    async stop() {
      await stack.stop();
      if (!options.emulator) await emulator.close();
    },
  };
}
