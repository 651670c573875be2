/**
 * One policy, every transport: persisted operations (ALLOW_ARBITRARY_OPERATIONS=false), document
 * limits, the introspection switch and auth refuse the same requests, with the same codes and a
 * request id, over HTTP POST, HTTP GET, SSE and graphql-ws; nothing refused reaches the coordinator.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMULATOR_KEYS } from './support/stack.js';
import { type Outcome, TRANSPORTS, useServed } from './support/transports.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const QUEUE = 'query Queue { queue { depth } }';
const JOBS = '{ trainingJobs(first: 2) { edges { node { jobId } } } }';
const CANCEL = 'mutation { cancelTrainingJob(input: { id: "job_1" }) { userErrors { code } } }';
const persisted = { [sha(QUEUE)]: QUEUE };
const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

function refused(outcome: Outcome, code: string): void {
  expect(outcome.data ?? null).toBeNull();
  expect(outcome.errors.length).toBeGreaterThan(0);
  for (const error of outcome.errors) {
    expect(error.extensions?.code).toBe(code);
    expect(error.extensions?.requestId).toEqual(expect.any(String));
  }
}

describe('persisted operations only (ALLOW_ARBITRARY_OPERATIONS=false)', () => {
  const { stack, served } = useServed({
    config: { allowArbitraryOperations: false, persistedOperationsFile: 'ops.json' },
    deps: { persistedOperations: persisted },
  });

  it.each(TRANSPORTS)('runs a listed operation by its hash alone over %s', async (transport) => {
    const outcome = await served.send(transport, { ...byHash(sha(QUEUE)), operationName: 'Queue' });
    expect(outcome.errors).toEqual([]);
    expect(outcome.data).toEqual({ queue: { depth: expect.any(Number) } });
  });

  it.each(TRANSPORTS)('refuses arbitrary text, unlisted mutations and unknown hashes over %s', async (transport) => {
    stack.emulator.resetStats();
    refused(await served.send(transport, { query: JOBS }), 'PERSISTED_QUERY_ONLY');
    refused(await served.send(transport, { query: QUEUE }), 'PERSISTED_QUERY_ONLY');
    if (transport !== 'get') refused(await served.send(transport, { query: CANCEL }), 'PERSISTED_QUERY_ONLY');
    refused(await served.send(transport, byHash(sha(JOBS))), 'PERSISTED_QUERY_NOT_IN_LIST');
    refused(await served.send(transport, {}), 'PERSISTED_QUERY_ID_REQUIRED');
    expect(stack.calls()).toBe(0);
  });
});

describe('limits and the introspection switch', () => {
  const { stack, served } = useServed({ config: { introspection: false, maxDepth: 3, maxAliases: 2 } });

  it.each(TRANSPORTS)(
    'refuses introspection, depth, aliases, syntax errors and bad variables over %s',
    async (transport) => {
      stack.emulator.resetStats();
      refused(await served.send(transport, { query: '{ __schema { types { name } } }' }), 'GRAPHQL_VALIDATION_FAILED');
      refused(
        await served.send(transport, {
          query: '{ trainingJobs(first: 1) { edges { node { progress { fraction } } } } }',
        }),
        'GRAPHQL_VALIDATION_FAILED',
      );
      refused(
        await served.send(transport, { query: '{ a: queue { depth } b: queue { depth } c: queue { depth } }' }),
        'GRAPHQL_VALIDATION_FAILED',
      );
      refused(await served.send(transport, { query: '{ queue { depth }' }), 'GRAPHQL_PARSE_FAILED');
      refused(
        await served.send(transport, {
          query: 'query($n: Int!) { trainingJobs(first: $n) { totalCount } }',
          variables: { n: 'x' },
        }),
        'BAD_USER_INPUT',
      );
      expect(stack.calls()).toBe(0);
    },
  );
});

describe('auth with a real coordinator (no default credential)', () => {
  const { stack, served } = useServed({ defaultCredential: null });

  it.each(TRANSPORTS)(
    'refuses a missing token before any upstream call over %s, and serves a good one',
    async (transport) => {
      stack.emulator.resetStats();
      const anonymous = await served.send(transport, { query: QUEUE });
      expect(anonymous.errors.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(anonymous.errors[0]?.extensions?.requestId).toEqual(expect.any(String));
      expect(stack.calls()).toBe(0);
      const signedIn = await served.send(transport, { query: QUEUE }, { token: EMULATOR_KEYS.dev });
      expect(signedIn.data).toEqual({ queue: { depth: expect.any(Number) } });
    },
  );
});
