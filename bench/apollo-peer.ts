/**
 * The peer a user would pick instead of this gateway: Apollo Server 4 with
 * `@apollo/datasource-rest`, written the way Apollo's docs show it ("Fetching from REST"): one
 * RESTDataSource subclass per upstream, created per request in the context function with the
 * server's cache and the caller's token, `willSendRequest` forwarding the token, resolvers calling
 * data source methods, `startStandaloneServer` (express + cors + express.json, the docs' default).
 * RESTDataSource deduplicates identical GETs during a request, which is all the batching the docs
 * offer; no DataLoader. It serves the two benchmark operations (one job by id; the nested
 * showcase query) with the same field names as the gateway.
 *
 * Env: UPSTREAM_URL (ScaiMind base URL). Prints `apollo listening <url>`.
 */

import { type AugmentedRequest, RESTDataSource } from '@apollo/datasource-rest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { evaluatedJobOf, evaluationIdOf } from './lib/evaluation-record.js';

type Json = Record<string, unknown>;

class CoordinatorAPI extends RESTDataSource {
  override baseURL =
    `${(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:4010/v1/modules/scaimind').replace(/\/+$/, '')}/`;
  private readonly token: string | undefined;

  constructor(options: { token: string | undefined; cache: ApolloServer['cache'] }) {
    super(options);
    this.token = options.token;
  }

  override willSendRequest(_path: string, request: AugmentedRequest) {
    if (this.token) request.headers.authorization = this.token;
  }

  async getJob(id: string): Promise<Json> {
    return (await this.get<{ data: Json }>(`jobs/${encodeURIComponent(id)}`)).data;
  }

  async listJobs(first: number): Promise<Json> {
    return (await this.get<{ data: Json }>('jobs', { params: { page_size: String(first) } })).data;
  }

  async listEvaluations(jobId: string, first: number): Promise<Json> {
    return (await this.get<{ data: Json }>('evaluations', { params: { job_id: jobId, page_size: String(first) } }))
      .data;
  }
}

interface Context {
  dataSources: { coordinator: CoordinatorAPI };
}

const typeDefs = /* GraphQL */ `
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
`;

const connection = (items: Json[], total: unknown) => ({
  totalCount: typeof total === 'number' ? total : null,
  edges: items.map((node) => ({ node })),
});

const resolvers = {
  Query: {
    trainingJob: (_: unknown, args: { id: string }, { dataSources }: Context) =>
      dataSources.coordinator.getJob(args.id),
    trainingJobs: async (_: unknown, args: { first?: number | null }, { dataSources }: Context) => {
      const data = await dataSources.coordinator.listJobs(args.first ?? 20);
      return connection(data.jobs as Json[], data.total_count);
    },
  },
  TrainingJob: {
    id: (job: Json) => job.job_id,
    jobId: (job: Json) => job.job_id,
    evaluations: async (job: Json, args: { first?: number | null }, { dataSources }: Context) => {
      const data = await dataSources.coordinator.listEvaluations(String(job.job_id), args.first ?? 20);
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
    job: (e: Json, _: unknown, { dataSources }: Context) => dataSources.coordinator.getJob(evaluatedJobOf(e)),
    benchmarks: (e: Json) => {
      const results = (e.results as Json[] | undefined) ?? [];
      return ((e.benchmarks as Json[] | undefined) ?? []).map((b) => ({
        name: b.name,
        score: results.find((r) => r.benchmark === b.name)?.score ?? null,
      }));
    },
  },
};

const server = new ApolloServer<Context>({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(process.env.APOLLO_PORT ?? 0) },
  context: async ({ req }) => {
    const { cache } = server;
    return { dataSources: { coordinator: new CoordinatorAPI({ cache, token: req.headers.authorization }) } };
  },
});
process.stdout.write(`apollo listening ${url}\n`);
