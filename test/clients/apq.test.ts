/**
 * Automatic persisted queries as Apollo Client's PersistedQueryLink speaks them, the same hashes
 * over graphql-ws, and the stores: bounded in memory, shared over Redis.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createClient as createWsClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMemoryApqStore, createRedisApqStore } from '../../src/apq.js';
import { REDIS_URL, redisAvailable, uniquePrefix } from '../support/live-stack.js';
import { EMULATOR_KEYS, type ServedGateway, serveGateway } from '../support/served.js';

const AUTHORIZATION = `Bearer ${EMULATOR_KEYS.dev}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let served: ServedGateway;
beforeAll(async () => {
  served = await serveGateway();
});
afterAll(async () => {
  await served.stop();
});

interface Sent {
  hashOnly: boolean;
  code: string | undefined;
}

function apolloWithApq(sent: Sent[]): ApolloClient {
  const recordingFetch: typeof fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { query?: string };
    const response = await fetch(input, init);
    const copy = (await response.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    sent.push({ hashOnly: body.query === undefined, code: copy.errors?.[0]?.extensions?.code });
    return response;
  };
  return new ApolloClient({
    link: new PersistedQueryLink({ sha256 }).concat(
      new HttpLink({ uri: served.url, headers: { authorization: AUTHORIZATION }, fetch: recordingFetch }),
    ),
    cache: new InMemoryCache(),
  });
}

const COUNT = gql`
  query ClientsApqCount {
    trainingJobs(first: 2) { totalCount edges { node { id name } } }
  }
`;

describe('automatic persisted queries', () => {
  it('Apollo PersistedQueryLink: unknown hash → PERSISTED_QUERY_NOT_FOUND → resend with text; then the hash alone', async () => {
    const firstSent: Sent[] = [];
    const first = await apolloWithApq(firstSent).query<{ trainingJobs: { totalCount: number } }>({ query: COUNT });
    expect(first.data?.trainingJobs.totalCount).toBeGreaterThan(0);
    expect(firstSent).toEqual([
      { hashOnly: true, code: 'PERSISTED_QUERY_NOT_FOUND' },
      { hashOnly: false, code: undefined },
    ]);

    // Another client (its own cache): the gateway knows the hash now.
    const laterSent: Sent[] = [];
    const later = await apolloWithApq(laterSent).query<{ trainingJobs: { totalCount: number } }>({ query: COUNT });
    expect(later.data?.trainingJobs.totalCount).toBe(first.data?.trainingJobs.totalCount);
    expect(laterSent).toEqual([{ hashOnly: true, code: undefined }]);
  });

  it('refuses a query whose hash does not match it', async () => {
    const response = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ somethingElse }') } },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('runs a registered hash over graphql-ws, and says PERSISTED_QUERY_NOT_FOUND for an unknown one', async () => {
    const query = '{ trainingJobs(first: 1) { totalCount } }';
    const hash = sha256(query);
    const register = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
    });
    expect(register.status).toBe(200);

    const ws = createWsClient({
      url: served.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: AUTHORIZATION },
    });
    const run = (sha256Hash: string) =>
      new Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>((resolve) => {
        let last: unknown;
        ws.subscribe(
          { query: '', extensions: { persistedQuery: { version: 1, sha256Hash } } },
          {
            next: (value) => (last = value),
            error: (errors) => resolve({ errors: errors as never }),
            complete: () => resolve(last as never),
          },
        );
      });
    try {
      expect(await run(hash)).toMatchObject({ data: { trainingJobs: { totalCount: expect.any(Number) } } });
      const unknown = await run(sha256('{ neverSent }'));
      expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    } finally {
      await ws.dispose();
    }
  });
});

describe('APQ stores', () => {
  it('in memory: bounded in entries and in text, least recently used out first', () => {
    const store = createMemoryApqStore({ maxEntries: 2, maxChars: 10 });
    store.set('a', 'aaa');
    store.set('b', 'bbb');
    store.get('a');
    store.set('c', 'ccc');
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual(['aaa', null, 'ccc']);
    store.set('d', 'dddddddd');
    // 8 + 3 > 10: only the newest fits with the text budget.
    expect([store.get('a'), store.get('c'), store.get('d')]).toEqual([null, null, 'dddddddd']);
    store.set('e', 'x'.repeat(11));
    expect(store.get('e')).toBeNull();
  });

  it('over Redis: what one instance registered, another finds', async () => {
    if (!(await redisAvailable())) return;
    const prefix = `${uniquePrefix()}apq:`;
    const one = new Redis(REDIS_URL);
    const two = new Redis(REDIS_URL);
    try {
      await createRedisApqStore(one, prefix).set('h1', '{ __typename }');
      expect(await createRedisApqStore(two, prefix).get('h1')).toBe('{ __typename }');
      expect(await createRedisApqStore(two, prefix).get('h2')).toBeNull();
      expect(await two.ttl(`${prefix}h1`)).toBeGreaterThan(0);
    } finally {
      await one.del(`${prefix}h1`);
      one.disconnect();
      two.disconnect();
    }
  });
});
