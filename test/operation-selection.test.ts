/**
 * The operation that runs is the one the client names: a document with several operations (as
 * GraphiQL sends its whole editor) runs each of them in turn, mutations included, over HTTP and
 * graphql-ws, however often the same document was sent before with another operationName.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './support/stack.js';
import { type Served, serve, type Transport } from './support/transports.js';

const DOCUMENT = `
  query Jobs { trainingJobs(first: 2) { edges { node { jobId } } } }
  query Queue { queue { depth } }
  query One($id: ID!) { trainingJob(id: $id) { jobId status } }
  mutation Cancel($id: ID!) { cancelTrainingJob(input: { id: $id }) { trainingJob { jobId status } userErrors { code } } }
`;

function posts(stack: Stack): number {
  return Object.entries(stack.emulator.stats().requests)
    .filter(([route]) => route.startsWith('POST '))
    .reduce((sum, [, count]) => sum + Number(count), 0);
}

describe('operation selection in a multi-operation document', () => {
  let stack: Stack;
  let served: Served;
  let cancellable: string[];

  beforeAll(async () => {
    stack = await startStack();
    served = await serve(stack);
    const listing = await stack.run<
      { trainingJobs: { edges: Array<{ node: { jobId: string; status: string } }> } },
      Record<string, never>
    >('{ trainingJobs(first: 100) { edges { node { jobId status } } } }');
    cancellable = (listing.body.data?.trainingJobs.edges ?? [])
      .map((edge) => edge.node)
      .filter((job) => ['RUNNING', 'QUEUED', 'PENDING', 'PAUSED'].includes(job.status))
      .map((job) => job.jobId);
    expect(cancellable.length).toBeGreaterThanOrEqual(2);
  });
  afterAll(async () => {
    await served.stop();
    await stack.close();
  });

  const runs: Array<[Transport, number]> = [
    ['post', 0],
    ['ws', 1],
  ];
  it.each(runs)('runs each named operation in turn over %s, the mutation exactly once', async (transport, index) => {
    const id = cancellable[index] as string;
    const send = (operationName: string, variables?: Record<string, unknown>) =>
      served.send(transport, { query: DOCUMENT, operationName, variables });

    stack.emulator.resetStats();
    const jobs = await send('Jobs');
    expect(Object.keys(jobs.data ?? {})).toEqual(['trainingJobs']);
    const queue = await send('Queue');
    expect(Object.keys(queue.data ?? {})).toEqual(['queue']);
    const one = await send('One', { id });
    expect(one.data).toEqual({ trainingJob: { jobId: id, status: expect.any(String) } });
    expect(posts(stack)).toBe(0);

    const cancel = await send('Cancel', { id });
    expect(cancel.errors).toEqual([]);
    expect(cancel.data).toEqual({
      cancelTrainingJob: { trainingJob: { jobId: id, status: 'CANCELLED' }, userErrors: [] },
    });
    expect(posts(stack)).toBe(1);

    // Back to the queries of the same document: they run, and the mutation does not run again.
    expect(Object.keys((await send('Queue')).data ?? {})).toEqual(['queue']);
    expect(Object.keys((await send('Jobs')).data ?? {})).toEqual(['trainingJobs']);
    expect((await send('One', { id })).data).toEqual({ trainingJob: { jobId: id, status: 'CANCELLED' } });
    expect(posts(stack)).toBe(1);
  });

  it('runs the named operation over GET too, and refuses a name the document does not have', async () => {
    expect(Object.keys((await served.send('get', { query: DOCUMENT, operationName: 'Queue' })).data ?? {})).toEqual([
      'queue',
    ]);
    expect(Object.keys((await served.send('get', { query: DOCUMENT, operationName: 'Jobs' })).data ?? {})).toEqual([
      'trainingJobs',
    ]);
    for (const transport of ['post', 'ws'] as const) {
      const unknown = await served.send(transport, { query: DOCUMENT, operationName: 'Nope' });
      expect(unknown.data ?? null).toBeNull();
      expect(unknown.errors.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });
});
