/**
 * The client libraries frontends use, each with its default configuration, against the gateway on
 * a loopback port (the embedded default: emulator upstream on a clock the test advances). Only
 * what the library cannot guess is configured: the URL, the token, and a WebSocket class for Node.
 */
import {
  ApolloClient,
  ApolloLink,
  type DocumentNode,
  gql,
  HttpLink,
  InMemoryCache,
  type OperationVariables,
} from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition, relayStylePagination } from '@apollo/client/utilities';
import { cacheExchange, fetchExchange, subscriptionExchange, Client as UrqlClient } from '@urql/core';
import { Kind, OperationTypeNode } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EMULATOR_KEYS, type ServedGateway, serveGateway } from '../support/served.js';

const AUTHORIZATION = `Bearer ${EMULATOR_KEYS.dev}`;

let served: ServedGateway;
beforeAll(async () => {
  served = await serveGateway();
});
afterAll(async () => {
  await served.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (clock frozen) for `started`, then advances the emulator in steps until `done`. */
async function driveUntil(done: () => boolean, started: () => boolean = () => true): Promise<void> {
  for (let wait = 0; wait < 200 && !started(); wait++) await sleep(25);
  for (let step = 0; step < 80 && !done(); step++) {
    served.emulator.advance(4_000);
    await sleep(100);
  }
}

const WATCH = /* GraphQL */ `
  subscription ClientsWatchEvaluation($id: ID!) {
    evaluationUpdated(id: $id) { evaluationId status phase isTerminal }
  }
`;
interface WatchEvent {
  evaluationUpdated: { evaluationId: string; status: string; phase: string; isTerminal: boolean };
}

/** A new evaluation (QUEUED) of a completed job, through the gateway. */
async function newEvaluation(): Promise<string> {
  const post = (query: string, variables: Record<string, unknown> = {}) =>
    fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
      body: JSON.stringify({ query, variables }),
    }).then((response) => response.json() as Promise<{ data: Record<string, never> }>);
  const jobs = await post('{ trainingJobs(first: 1, filter: { status: [COMPLETED] }) { edges { node { jobId } } } }');
  const jobId = (jobs.data.trainingJobs as unknown as { edges: Array<{ node: { jobId: string } }> }).edges[0]?.node
    .jobId;
  const submitted = await post(
    'mutation ($jobId: ID!) { submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: "arc" }] }) { evaluation { evaluationId } } }',
    { jobId },
  );
  return (submitted.data.submitEvaluation as unknown as { evaluation: { evaluationId: string } }).evaluation
    .evaluationId;
}

function expectCompletedWatch(events: WatchEvent[]): void {
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events[0]?.evaluationUpdated.phase).toBe('QUEUED');
  expect(events.at(-1)?.evaluationUpdated).toMatchObject({ status: 'COMPLETED', isTerminal: true });
}

describe('Apollo Client (HttpLink + GraphQLWsLink, InMemoryCache)', () => {
  let client: ApolloClient;
  let wsDispose: () => void;

  beforeAll(() => {
    const ws = createWsClient({
      url: served.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: AUTHORIZATION },
    });
    wsDispose = () => void ws.dispose();
    const http = new HttpLink({ uri: served.url, headers: { authorization: AUTHORIZATION } });
    const isSubscription = ({ query }: { query: DocumentNode }) => {
      const definition = getMainDefinition(query);
      return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
    };
    client = new ApolloClient({
      link: ApolloLink.split(isSubscription, new GraphQLWsLink(ws), http),
      cache: new InMemoryCache({
        typePolicies: { Query: { fields: { trainingJobs: relayStylePagination(['filter', 'orderBy']) } } },
      }),
    });
  });
  afterAll(() => {
    client.stop();
    wsDispose();
  });

  const JOBS = gql`
    query ClientsJobsPage($after: String) {
      trainingJobs(first: 7, after: $after, orderBy: NAME_ASC) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id jobId name status } }
      }
    }
  `;
  interface JobsData {
    trainingJobs: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ node: { id: string; jobId: string; name: string; status: string } }>;
    };
  }

  it('walks a connection with relayStylePagination: every job once, in order, merged in the cache', async () => {
    const watched = client.watchQuery<JobsData, OperationVariables>({ query: JOBS });
    const result = await firstValueFrom(watched.pipe(filter((next) => next.dataState === 'complete')));
    let data = result.data as JobsData;
    const total = data.trainingJobs.totalCount;
    while (data.trainingJobs.pageInfo.hasNextPage) {
      await watched.fetchMore({ variables: { after: data.trainingJobs.pageInfo.endCursor } });
      data = watched.getCurrentResult().data as JobsData;
    }
    const names = data.trainingJobs.edges.map((edge) => edge.node.name);
    expect(names).toHaveLength(total);
    expect(new Set(data.trainingJobs.edges.map((edge) => edge.node.id)).size).toBe(total);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    // Normalized: each job is one cache entry under its global id.
    const first = data.trainingJobs.edges[0]?.node;
    expect(client.cache.identify({ __typename: 'TrainingJob', id: first?.id })).toBe(`TrainingJob:${first?.id}`);
    const entries = client.cache.extract() as Record<string, unknown>;
    expect(entries[`TrainingJob:${first?.id}`]).toMatchObject({ name: first?.name });
  });

  it('runs a mutation and then follows the evaluation over graphql-ws to completion', async () => {
    const jobs = await client.query<JobsData>({ query: JOBS, variables: {} });
    const completed = jobs.data?.trainingJobs.edges.find((edge) => edge.node.status === 'COMPLETED')?.node;
    const submitted = await client.mutate<{
      submitEvaluation: {
        evaluation: { id: string; evaluationId: string; status: string } | null;
        userErrors: unknown[];
      };
    }>({
      mutation: gql`
        mutation ClientsSubmitEvaluation($jobId: ID!) {
          submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: "gsm8k" }] }) {
            evaluation { id evaluationId status }
            userErrors { field message code }
          }
        }
      `,
      variables: { jobId: completed?.id },
    });
    expect(submitted.data?.submitEvaluation.userErrors).toEqual([]);
    const evaluation = submitted.data?.submitEvaluation.evaluation;
    expect(evaluation?.status).toBe('QUEUED');

    const events: WatchEvent[] = [];
    let completedStream = false;
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<WatchEvent>({ query: gql(WATCH), variables: { id: evaluation?.id } }).subscribe({
        next: (result) => {
          if (result.error) reject(result.error);
          if (result.data) events.push(result.data as WatchEvent);
        },
        error: reject,
        complete: () => {
          completedStream = true;
          resolve();
        },
      });
    });
    await driveUntil(
      () => completedStream,
      () => events.length > 0,
    );
    await done;
    expectCompletedWatch(events);
  });
});

type Forward = (
  request: { query: string; variables?: Record<string, unknown> },
  // biome-ignore lint/suspicious/noExplicitAny: graphql-ws and graphql-sse type their sinks apart; urql hands either the same observer.
  sink: any,
) => () => void;

/** An urql client with its default exchanges, its subscriptions forwarded to `forward` (graphql-ws or graphql-sse). */
function urqlWith(forward: Forward, fetchOptions?: RequestInit): UrqlClient {
  return new UrqlClient({
    url: served.url,
    ...(fetchOptions ? { fetchOptions } : {}),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: forward({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}

/** Watches a new evaluation through `client` while the emulator drives it to its end. */
async function watchToEnd(
  client: UrqlClient,
  check: (result: { error?: unknown }) => void = () => {},
): Promise<{ events: WatchEvent[]; unsubscribe: () => void }> {
  const id = await newEvaluation();
  const events: WatchEvent[] = [];
  let ended = false;
  const { unsubscribe } = client.subscription(WATCH, { id }).subscribe((result) => {
    check(result);
    if (result.data) events.push(result.data as WatchEvent);
    if ((result.data as WatchEvent | undefined)?.evaluationUpdated.isTerminal) ended = true;
  });
  await driveUntil(
    () => ended,
    () => events.length > 0,
  );
  return { events, unsubscribe };
}

describe('urql with its defaults', () => {
  it('sends queries as GET (preferGetMethod within-url-limit) and the gateway answers them', async () => {
    const methods: string[] = [];
    const client = new UrqlClient({
      url: served.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { authorization: AUTHORIZATION } },
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const result = await client
      .query('{ trainingJobs(first: 3) { totalCount edges { node { name } } } }', {})
      .toPromise();
    expect(result.error).toBeUndefined();
    expect((result.data as { trainingJobs: { edges: unknown[] } }).trainingJobs.edges).toHaveLength(3);
    expect(methods).toEqual(['GET']);
  });

  for (const singleConnection of [false, true]) {
    it(`subscribes through the graphql-sse client (singleConnection: ${singleConnection}) until completion`, async () => {
      const sse = createSseClient({
        url: `${served.origin}/graphql/stream`,
        singleConnection,
        headers: { authorization: AUTHORIZATION },
        retryAttempts: 0,
      });
      const client = urqlWith(sse.subscribe.bind(sse), { headers: { authorization: AUTHORIZATION } });
      const { events, unsubscribe } = await watchToEnd(client, (result) => expect(result.error).toBeUndefined());
      unsubscribe();
      sse.dispose();
      expectCompletedWatch(events);
    });
  }

  it('subscribes over graphql-ws through subscriptionExchange', async () => {
    const ws = createWsClient({
      url: served.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: AUTHORIZATION },
    });
    const { events, unsubscribe } = await watchToEnd(urqlWith(ws.subscribe.bind(ws)));
    unsubscribe();
    await ws.dispose();
    expectCompletedWatch(events);
  });
});

describe('graphql-request', () => {
  it('runs a query in GET mode', async () => {
    const methods: string[] = [];
    const client = new GraphQLClient(served.url, {
      method: 'GET',
      headers: { authorization: AUTHORIZATION },
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const data = await client.request<{ trainingJobs: { totalCount: number } }>(
      'query ClientsCount { trainingJobs(first: 1) { totalCount } }',
    );
    expect(data.trainingJobs.totalCount).toBeGreaterThan(0);
    expect(methods).toEqual(['GET']);
  });
});
