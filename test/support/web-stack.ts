/**
 * The runs page under test: a real gateway server (live hub, the page built from web/ into a temp
 * folder and served at `/`) over an emulator on a frozen clock the test advances. The browser is
 * the team's (test/support/browser.ts): Debian Chromium, every other host blocked and recorded.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import type { RunningServer } from '../../src/server.js';
import { createGatewayStack } from '../../src/stack.js';
import { loadStaticSite } from '../../src/static-site.js';
import { buildWeb, type WebBuild } from '../../web/build.js';
import { type BrowserSession, launchBrowser } from './browser.js';

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

export interface WebGatewayOptions {
  /** false: no default credential, as with a real coordinator. */
  defaultCredential?: boolean;
  emulator?: Emulator;
}

export async function startWebGateway(build: WebBuild, options: WebGatewayOptions = {}): Promise<WebGateway> {
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

export interface WebSession {
  /** The gateway the page is served from (the embedded emulator's dev key by default). */
  readonly gateway: WebGateway;
  /** A second gateway on its own emulator, when asked for. */
  readonly second: WebGateway;
  readonly browser: BrowserSession;
  readonly build: WebBuild;
}

/**
 * For the enclosing describe block: the page built once, a gateway serving it (and a second one
 * with `second`'s options), and a browser allowed to reach exactly those; all stopped after the
 * block. The fields are there once the block's `beforeAll` has run.
 */
export function useWebSession(second?: WebGatewayOptions): WebSession {
  let state: { gateway: WebGateway; second?: WebGateway; browser: BrowserSession; build: WebBuild } | undefined;
  /** What has started so far, stopped last-started first (also after a failed start). */
  const started: Array<{ stop(): Promise<void> }> = [];
  const ready = () => {
    if (!state) throw new Error('useWebSession: used before its beforeAll ran');
    return state;
  };
  const start = async <T extends { stop(): Promise<void> }>(what: Promise<T>): Promise<T> => {
    const value = await what;
    started.push(value);
    return value;
  };
  beforeAll(async () => {
    const build = await buildPage();
    const gateway = await start(startWebGateway(build));
    const other = second ? await start(startWebGateway(build, second)) : undefined;
    const origins = other ? [gateway.origin, other.origin] : [gateway.origin];
    const browser = await launchBrowser({ allowedOrigins: origins });
    started.push({ stop: () => browser.close() });
    state = { gateway, second: other, browser, build };
  }, 60_000);
  afterAll(async () => {
    for (const running of started.splice(0).reverse()) await running.stop();
  });
  return {
    get gateway() {
      return ready().gateway;
    },
    get second() {
      const { second: other } = ready();
      if (!other) throw new Error('useWebSession: no second gateway was asked for');
      return other;
    },
    get browser() {
      return ready().browser;
    },
    get build() {
      return ready().build;
    },
  };
}
