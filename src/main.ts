/**
 * The process entry point: the only module that reads the environment, opens ports and handles
 * signals. `node dist/main.js` (`npm start`, built by `npm run build`) or `tsx src/main.ts` runs the gateway;
 * with the argument `emulator` it runs the emulator alone.
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Config, ConfigError, loadConfig, loadEmulatorConfig } from './config.js';
import { createEmulator, EMULATOR_KEYS } from './emulator/index.js';
import { createLogger, type Logger } from './log.js';
import { parsePersistedOperations } from './security.js';
import { ListenError } from './server.js';
import { createGatewayStack, emulatorOptions } from './stack.js';
import { loadStaticSite } from './static-site.js';

const writeLine = (line: string) => process.stdout.write(`${line}\n`);

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
  const persistedOperations = config.persistedOperationsFile
    ? parsePersistedOperations(await readFile(config.persistedOperationsFile, 'utf8'), config.persistedOperationsFile)
    : undefined;
  const webDist = fileURLToPath(new URL('../web/dist/', import.meta.url));
  const site = await loadStaticSite(webDist);
  if (!site) log.warn('the runs page is not built: `npm run build:web` builds it for /', { dir: webDist });
  const stack = await createGatewayStack(config, { log, persistedOperations, site });
  if (stack.emulator) {
    log.warn('COORDINATOR_URL is not set: using the built-in coordinator emulator (embedded default)', {
      emulatorUrl: stack.emulator.url,
      note: 'requests without an Authorization header use the emulator development key',
    });
  }
  const server = await stack.listen();
  log.info('gateway listening', {
    url: server.url,
    runsPage: site ? server.url.replace(/\/graphql$/, '/') : null,
    graphiql: server.url,
    coordinator: stack.coordinatorUrl,
    live: config.redisUrl ? 'redis (shared across instances)' : 'in-process',
  });
  onShutdown(log, () => stack.stop());
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
  try {
    if (process.argv[2] === 'emulator') await runEmulator(log);
    else await runGateway(config, log);
  } catch (error) {
    // A port in use is an operator's everyday mistake: one line that names the address, no stack.
    const listenError = error instanceof ListenError ? error : listenErrorOf(error);
    if (listenError === null) throw error;
    process.stderr.write(`${listenError.message}\n`);
    process.exit(1);
  }
}

/** The emulator listens on its own (node:http), so its error arrives as Node raised it. */
function listenErrorOf(error: unknown): ListenError | null {
  const { code, address, port } = (error ?? {}) as { code?: unknown; address?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') return null;
  const host = typeof address === 'string' ? address : '?';
  return new ListenError(`${host.includes(':') ? `[${host}]` : host}:${String(port)}`, code);
}

await main();
