/**
 * The peer a user would pick instead of this gateway: Apollo Server 4 with
 * `@apollo/datasource-rest`, written the way Apollo's docs show it ("Fetching from REST"): one
 * RESTDataSource subclass per upstream, created per request in the context function with the
 * server's cache and the caller's token, `willSendRequest` forwarding the token, resolvers calling
 * data source methods, `startStandaloneServer` (express + cors + express.json, the docs' default).
 * RESTDataSource deduplicates identical GETs during a request, which is all the batching the docs
 * offer; no DataLoader. It serves the two benchmark operations (one job by id; the nested
 * showcase query) with the same schema and resolvers as the naive server (bench/lib/peer-schema.ts).
 *
 * Env: UPSTREAM_URL (ScaiMind base URL). Prints `apollo listening <url>`.
 */

import { type AugmentedRequest, RESTDataSource } from '@apollo/datasource-rest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { type Json, type PeerSource, peerResolvers, peerTypeDefs } from './lib/peer-schema.js';

class CoordinatorAPI extends RESTDataSource implements PeerSource {
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

const typeDefs = peerTypeDefs;
const resolvers = peerResolvers((ctx: Context) => ctx.dataSources.coordinator);

const server = new ApolloServer<Context>({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(process.env.APOLLO_PORT ?? 0) },
  context: async ({ req }) => {
    const { cache } = server;
    return { dataSources: { coordinator: new CoordinatorAPI({ cache, token: req.headers.authorization }) } };
  },
});
process.stdout.write(`apollo listening ${url}\n`);
