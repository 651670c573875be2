/**
 * The "naive" variant: plain graphql-yoga with an SDL schema and one REST call per resolver, as a
 * first BFF would be written. No DataLoader, no priming from listings, no in-flight coalescing, no
 * envelope/wire normalisation, no error mapping, no per-request context beyond Yoga's own.
 *
 * It exists because the real gateway has no switch to turn its loaders off (see bench/README.md:
 * the hook that would allow an apples-to-apples comparison is a `GATEWAY_LOADERS=off` env flag).
 * It implements just the fields the benchmark asks for, with the same names as the real schema,
 * and uses the same undici Pool settings as the gateway's coordinator client.
 *
 * Env: UPSTREAM_URL, NAIVE_PORT (default 0), NAIVE_CONNECTIONS (default 64).
 * Prints `naive listening <url>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import { type Json, type PeerSource, peerResolvers, peerTypeDefs } from './lib/peer-schema.js';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:4010/v1/modules/scaimind');
const basePath = upstream.pathname.replace(/\/+$/, '');
const pool = new Pool(upstream.origin, { connections: Number(process.env.NAIVE_CONNECTIONS ?? 64), pipelining: 1 });

async function get(path: string, authorization: string | null): Promise<Json> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  const { statusCode, body } = await pool.request({ method: 'GET', path: basePath + path, headers });
  const payload = (await body.json()) as Json;
  if (statusCode >= 300) throw new Error(`GET ${path} failed with ${statusCode}`);
  return payload.data as Json;
}

interface Ctx {
  request: Request;
}

/** One REST call per read, with the caller's token: no loader, no coalescing. */
const sourceOf = (ctx: Ctx): PeerSource => {
  const authorization = ctx.request.headers.get('authorization');
  return {
    getJob: (id) => get(`/jobs/${encodeURIComponent(id)}`, authorization),
    listJobs: (first) => get(`/jobs?page_size=${first}`, authorization),
    listEvaluations: (jobId, first) =>
      get(`/evaluations?job_id=${encodeURIComponent(jobId)}&page_size=${first}`, authorization),
  };
};

const schema = createSchema<Ctx>({ typeDefs: peerTypeDefs, resolvers: peerResolvers(sourceOf) });

const yoga = createYoga<Ctx>({ schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false });
const server = createServer(yoga);
server.keepAliveTimeout = 30_000;

server.listen(Number(process.env.NAIVE_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`naive listening http://127.0.0.1:${port}/graphql\n`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
});
