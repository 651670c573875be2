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
import { evaluatedJobOf, evaluationIdOf } from './lib/evaluation-record.js';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:4010/v1/modules/scaimind');
const basePath = upstream.pathname.replace(/\/+$/, '');
const pool = new Pool(upstream.origin, { connections: Number(process.env.NAIVE_CONNECTIONS ?? 64), pipelining: 1 });

type Json = Record<string, unknown>;

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

const auth = (ctx: Ctx) => ctx.request.headers.get('authorization');
const connection = (items: Json[], total: unknown) => ({
  totalCount: typeof total === 'number' ? total : null,
  edges: items.map((node) => ({ node })),
});

const schema = createSchema<Ctx>({
  typeDefs: /* GraphQL */ `
    type Query {
      trainingJob(id: ID!): TrainingJob
      trainingJobs(first: Int): TrainingJobConnection
    }
    type TrainingJobConnection { totalCount: Int edges: [TrainingJobEdge!]! }
    type TrainingJobEdge { node: TrainingJob! }
    type TrainingJob {
      id: ID!
      jobId: String!
      name: String
      status: String!
      progress: Progress
      evaluations(first: Int): EvaluationConnection
    }
    type Progress { fraction: Float }
    type EvaluationConnection { totalCount: Int edges: [EvaluationEdge!]! }
    type EvaluationEdge { node: Evaluation! }
    type Evaluation {
      evaluationId: String!
      status: String!
      job: TrainingJob
      benchmarks: [Benchmark!]!
    }
    type Benchmark { name: String! score: Float }
  `,
  resolvers: {
    Query: {
      trainingJob: (_root: unknown, args: { id: string }, ctx: Ctx) =>
        get(`/jobs/${encodeURIComponent(args.id)}`, auth(ctx)),
      trainingJobs: async (_root: unknown, args: { first?: number | null }, ctx: Ctx) => {
        const data = await get(`/jobs?page_size=${args.first ?? 20}`, auth(ctx));
        return connection(data.jobs as Json[], data.total_count);
      },
    },
    TrainingJob: {
      id: (job: Json) => job.job_id,
      jobId: (job: Json) => job.job_id,
      progress: (job: Json) => job.progress ?? null,
      evaluations: async (job: Json, args: { first?: number | null }, ctx: Ctx) => {
        const data = await get(
          `/evaluations?job_id=${encodeURIComponent(String(job.job_id))}&page_size=${args.first ?? 20}`,
          auth(ctx),
        );
        // Listed as job-shaped workload records under `jobs` (older coordinators: `evaluations`).
        return connection((data.jobs ?? data.evaluations) as Json[], data.total_count);
      },
    },
    Progress: {
      fraction: (p: Json) =>
        typeof p.current_step === 'number' && typeof p.total_steps === 'number' && p.total_steps > 0
          ? Math.min(1, p.current_step / p.total_steps)
          : null,
    },
    Evaluation: {
      evaluationId: evaluationIdOf,
      // One GET per evaluation, even when the job was listed a moment ago: what loaders prevent.
      job: (e: Json, _args: unknown, ctx: Ctx) => get(`/jobs/${encodeURIComponent(evaluatedJobOf(e))}`, auth(ctx)),
      benchmarks: (e: Json) => {
        const results = (e.results as Json[] | undefined) ?? [];
        return ((e.benchmarks as Json[] | undefined) ?? []).map((b) => ({
          name: b.name,
          score: results.find((r) => r.benchmark === b.name)?.score ?? null,
        }));
      },
    },
  },
});

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
