/**
 * What the two comparison servers (bench/apollo-peer.ts, bench/naive-gateway.ts) have in common:
 * the slice of the gateway's schema the benchmark asks for, with the same field names, and the
 * resolvers that turn the coordinator's wire JSON into it. Each server brings only how it reads
 * the coordinator (a RESTDataSource; a bare undici pool), so a difference in their figures is a
 * difference in that, never in the schema or the resolvers.
 */
import { evaluatedJobOf, evaluationIdOf } from './evaluation-record.js';

export type Json = Record<string, unknown>;

/** The coordinator reads the benchmark operations need, as each server performs them. */
export interface PeerSource {
  /** `GET /jobs/{id}`: the job. */
  getJob(id: string): Promise<Json>;
  /** `GET /jobs?page_size=`: the page (`jobs`, `total_count`). */
  listJobs(first: number): Promise<Json>;
  /** `GET /evaluations?job_id=&page_size=`: the page (`jobs`, or `evaluations`; `total_count`). */
  listEvaluations(jobId: string, first: number): Promise<Json>;
}

const connectionTypes = (node: string) =>
  `type ${node}Connection { totalCount: Int edges: [${node}Edge!]! }
  type ${node}Edge { node: ${node}! }`;

export const peerTypeDefs = /* GraphQL */ `
  type Query {
    trainingJob(id: ID!): TrainingJob
    trainingJobs(first: Int): TrainingJobConnection
  }
  ${connectionTypes('TrainingJob')}
  type TrainingJob {
    id: ID!
    jobId: String!
    name: String
    status: String!
    progress: Progress
    evaluations(first: Int): EvaluationConnection
  }
  type Progress { fraction: Float }
  ${connectionTypes('Evaluation')}
  type Evaluation {
    evaluationId: String!
    status: String!
    job: TrainingJob
    benchmarks: [Benchmark!]!
  }
  type Benchmark { name: String! score: Float }
`;

const connection = (items: Json[], total: unknown) => ({
  totalCount: typeof total === 'number' ? total : null,
  edges: items.map((node) => ({ node })),
});

/** The resolvers over `peerTypeDefs`; `source` picks the request's coordinator reader from the context. */
export function peerResolvers<Ctx>(source: (ctx: Ctx) => PeerSource) {
  return {
    Query: {
      trainingJob: (_root: unknown, args: { id: string }, ctx: Ctx) => source(ctx).getJob(args.id),
      trainingJobs: async (_root: unknown, args: { first?: number | null }, ctx: Ctx) => {
        const data = await source(ctx).listJobs(args.first ?? 20);
        return connection(data.jobs as Json[], data.total_count);
      },
    },
    TrainingJob: {
      id: (job: Json) => job.job_id,
      jobId: (job: Json) => job.job_id,
      progress: (job: Json) => job.progress ?? null,
      evaluations: async (job: Json, args: { first?: number | null }, ctx: Ctx) => {
        const data = await source(ctx).listEvaluations(String(job.job_id), args.first ?? 20);
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
      // One read per evaluation, even when the job was listed a moment ago: what loaders prevent
      // (RESTDataSource coalesces identical GETs within a request; the naive server does not).
      job: (e: Json, _args: unknown, ctx: Ctx) => source(ctx).getJob(evaluatedJobOf(e)),
      benchmarks: (e: Json) => {
        const results = (e.results as Json[] | undefined) ?? [];
        return ((e.benchmarks as Json[] | undefined) ?? []).map((b) => ({
          name: b.name,
          score: results.find((r) => r.benchmark === b.name)?.score ?? null,
        }));
      },
    },
  };
}
