/**
 * The runs page under test: a real gateway server (live hub, the page built from web/ into a temp
 * folder and served at `/`) over an emulator on a frozen clock the test advances, and headless
 * Debian Chromium through playwright-core recording every request the page makes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
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

/** Where the tests leave screenshots for the closing note (gitignored). */
export const ARTIFACTS = join(process.cwd(), 'test/artifacts');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WebGateway {
  emulator: Emulator;
  server: RunningServer;
  /** http://127.0.0.1:<port>/ */
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
    origin: server.url.replace(/graphql$/, ''),
    async stop() {
      await server.stop();
      await hub.close();
      await client.close();
      if (!options.emulator) await emulator.close();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  /** Every URL the pages asked for (HTTP and WebSocket), in order. */
  requests: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'scaimind-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  });
  const requests: string[] = [];
  const track = (page: Page) => {
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
  };
  for (const page of context.pages()) track(page);
  context.on('page', track);
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    context,
    requests,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
