/**
 * Browser tests: Debian's Chromium (`/usr/bin/chromium`, never a downloaded browser) driven by
 * playwright-core, in a fresh profile, with every request to another host blocked and recorded so
 * a test can assert that a page loaded without reaching anything but the gateway.
 *
 * Locally, without Chromium, a browser suite is reported as skipped with the reason in its name;
 * with `CI` set, it fails instead: CI must prove the browser tests pass (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The team's launch flags: nothing in the background, no network of the browser's own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const chromiumAvailable = existsSync(CHROMIUM_PATH);

/** Screenshots and other things a person may want to look at after a run (gitignored). */
export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** Where to save an artifact named `name`; creates the folder. */
export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/**
 * `describe` for a suite that needs Chromium: runs it when `/usr/bin/chromium` exists; otherwise
 * skips it with the reason in its name, or, when `CI` is set, replaces it with a failing test.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (chromiumAvailable) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(
          `${CHROMIUM_PATH} is missing, and CI requires the browser tests: install Debian's chromium package (.ci/run does).`,
        );
      });
    });
    return;
  }
  describe.skip(`${name} [SKIPPED: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium to run it]`, body);
}

export interface BrowserSession {
  context: BrowserContext;
  /** The tab the browser opened with. */
  page: Page;
  /** Every request the pages made to an allowed origin (method and URL). */
  allowed: string[];
  /** Every request (HTTP or WebSocket) to any other origin: refused before it left the browser. */
  blocked: string[];
  /** Uncaught page errors and console errors, for a test's failure message. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** Origins (`http://127.0.0.1:PORT`) the pages may reach; every other one is blocked. */
  allowedOrigins: string[];
  viewport?: { width: number; height: number };
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * Launches Chromium in a fresh profile. Two fences keep it off the network beyond `allowedOrigins`:
 * request routing (which records what was tried) and a host resolver that resolves no name at all,
 * so even a request the routing does not see (the browser's own) cannot reach another host.
 */
export async function launchBrowser(options: BrowserOptions): Promise<BrowserSession> {
  const allowedOrigins = new Set(options.allowedOrigins);
  const hosts = new Set([...allowedOrigins].map((origin) => new URL(origin).hostname));
  const resolverRules = ['MAP * ~NOTFOUND', ...[...hosts].map((host) => `EXCLUDE ${host}`)].join(', ');
  const userDataDir = await mkdtemp(join(tmpdir(), 'gateway-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--host-resolver-rules=${resolverRules}`],
    viewport: options.viewport ?? { width: 1400, height: 900 },
    serviceWorkers: 'block',
  });
  const allowed: string[] = [];
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  const isAllowed = (url: string) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return true;
    const origin = originOf(url);
    return origin !== null && allowedOrigins.has(origin.replace(/^ws/, 'http'));
  };
  await context.route('**/*', async (route) => {
    const request = route.request();
    if (isAllowed(request.url())) {
      allowed.push(`${request.method()} ${request.url()}`);
      await route.continue();
    } else {
      blocked.push(`${request.method()} ${request.url()}`);
      await route.abort('blockedbyclient');
    }
  });
  await context.routeWebSocket(
    (url) => !isAllowed(url.href),
    async (socket) => {
      blocked.push(`WEBSOCKET ${socket.url()}`);
      await socket.close({ code: 1008, reason: 'blocked by the test' });
    },
  );
  const watch = (page: Page) => {
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    allowed,
    blocked,
    pageErrors,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
