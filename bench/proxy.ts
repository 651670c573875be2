/**
 * The floor the gateway is compared with: a bare node:http server that forwards
 * `GET /jobs/{id}` to the coordinator through an undici Pool (same pool size as the gateway) and
 * returns the coordinator's JSON unchanged. No GraphQL, no envelope handling, no normalisation.
 *
 * Env: UPSTREAM_URL (ScaiMind base URL, e.g. http://127.0.0.1:4010/v1/modules/scaimind),
 * PROXY_PORT (default 0), PROXY_CONNECTIONS (default 64). Prints `proxy listening <url>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:4010/v1/modules/scaimind');
const basePath = upstream.pathname.replace(/\/+$/, '');
const pool = new Pool(upstream.origin, { connections: Number(process.env.PROXY_CONNECTIONS ?? 64), pipelining: 1 });
const JOB = /^\/jobs\/([^/?]+)$/;

const server = createServer((req, res) => {
  const match = req.method === 'GET' ? JOB.exec(req.url ?? '') : null;
  if (!match) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  pool
    .request({ method: 'GET', path: `${basePath}/jobs/${match[1]}`, headers })
    .then(async ({ statusCode, body }) => {
      const text = await body.text();
      res.writeHead(statusCode, { 'content-type': 'application/json' }).end(text);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":"upstream failed"}');
    });
});
server.keepAliveTimeout = 30_000;

server.listen(Number(process.env.PROXY_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`proxy listening http://127.0.0.1:${port}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
});
