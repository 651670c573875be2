/**
 * The server's edges as an operator and a browser meet them: a port already taken is one clear
 * line and a non-zero exit, and a graphql-ws upgrade from a page of a foreign origin is refused
 * when CORS origins are listed (cross-site WebSocket hijacking), while non-browser clients (no
 * Origin) and allowed origins connect.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../src/server.js';
import { EMULATOR_KEYS, useStack } from './support/stack.js';
import { useServed } from './support/transports.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('a port already in use', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('makes `main` print one line naming the address and exit non-zero, without a stack trace', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', COORDINATOR_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      `Cannot listen on 127.0.0.1:${port}: it is already in use (another process listens there: stop it, or set PORT).`,
    ]);
    expect(`${stdout}${stderr}`).not.toMatch(/^\s+at /m);
    expect(`${stdout}${stderr}`).not.toMatch(/Internal error|EADDRINUSE/);
  }, 60_000);
});

describe('graphql-ws upgrade and the Origin header', () => {
  const stack = useStack();
  /** One server that lists its origins, one that allows any. */
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    for (const allowedOrigins of [['https://app.example'], '*'] as const) {
      servers.push(await startServer(stack.gateway, { host: '127.0.0.1', port: 0, allowedOrigins }));
    }
  });
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  /** The HTTP status of the upgrade: 101 when the socket opened. */
  function upgrade(url: string, origin?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', (error) => {
        if (ws.readyState !== WebSocket.CLOSED) reject(error);
      });
    });
  }

  it('refuses a page of another origin with 403 and lets listed origins and non-browser clients in', async () => {
    const listing = servers[0] as RunningServer;
    expect(await upgrade(listing.url, 'https://evil.example')).toBe(403);
    expect(await upgrade(listing.url, 'null')).toBe(403);
    expect(await upgrade(listing.url, 'https://app.example')).toBe(101);
    expect(await upgrade(listing.url)).toBe(101);
  });

  it('lets any origin in when CORS allows any', async () => {
    expect(await upgrade((servers[1] as RunningServer).url, 'https://evil.example')).toBe(101);
  });
});

describe('auth wording: no credential vs a rejected one, over HTTP and graphql-ws', () => {
  const { stack, served } = useServed({ defaultCredential: null });

  const MISSING = /^Authentication required: send "Authorization: Bearer/;
  const REJECTED = /^The coordinator rejected this credential/;

  async function overWs(authorization: string | null): Promise<string | undefined> {
    const client = createClient({
      url: served.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 0,
    });
    try {
      const result = await client.iterate({ query: '{ queue { depth } }' }).next();
      return (result.value as { errors?: Array<{ message: string }> } | undefined)?.errors?.[0]?.message;
    } finally {
      await client.dispose();
    }
  }

  it('says a missing credential is required and a refused one was rejected', async () => {
    const missing = await stack.run('{ queue { depth } }');
    expect(missing.body.errors?.[0]?.message).toMatch(MISSING);
    const rejected = await stack.run('{ queue { depth } }', undefined, { headers: { authorization: 'Bearer nope' } });
    expect(rejected.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(rejected.body.errors?.[0]?.message).toMatch(REJECTED);

    expect(await overWs(null)).toMatch(MISSING);
    expect(await overWs('Bearer nope')).toMatch(REJECTED);
    // A valid key of course works.
    expect(await overWs(`Bearer ${EMULATOR_KEYS.viewer}`)).toBeUndefined();
  });
});
