/**
 * Client input never reaches another upstream route and never ends in a 500: ids that go into
 * URLs are checked before any call (raw and decoded global ids alike), and malformed input is a
 * BAD_USER_INPUT, over HTTP and graphql-ws, without closing the socket.
 */
import { describe, expect, it } from 'vitest';
import { type Outcome, useServed, wsOnce } from './support/transports.js';

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');

function badInput(outcome: Outcome): void {
  expect(outcome.errors.length).toBeGreaterThan(0);
  for (const error of outcome.errors) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
}

describe('ids that go into coordinator URLs', () => {
  const { stack, served } = useServed();

  const hostile = ['.', '..', '...', '%2e', '%2E%2E', 'a/b', 'job_1/../x', 'a?b', 'a#b', 'a%2Fb', ' ', 'x'.repeat(129)];

  it.each(['post', 'ws'] as const)(
    'refuses dot-segments, separators and encodings before any call over %s',
    async (transport) => {
      stack.emulator.resetStats();
      for (const id of hostile) {
        for (const query of [
          'query($id: ID!) { evaluation(id: $id) { evaluationId } }',
          'query($id: ID!) { trainingJob(id: $id) { jobId } }',
          'query($id: ID!) { node(id: $id) { id } }',
          'query($id: ID!) { nodes(ids: [$id]) { id } }',
          'mutation($id: ID!) { cancelTrainingJob(input: { id: $id }) { userErrors { code } } }',
        ]) {
          if (transport === 'ws' && query.startsWith('mutation')) continue;
          for (const value of [id, globalId('TrainingJob', id), globalId('Evaluation', id)]) {
            if (query.includes('node') && value === id) continue;
            const outcome = await served.send(transport, { query, variables: { id: value } });
            expect(outcome.data?.evaluation ?? outcome.data?.trainingJob ?? null).toBeNull();
            badInput(outcome);
          }
        }
      }
      expect(stack.calls()).toBe(0);
    },
  );

  it('refuses them in subscriptions too, before any poll', async () => {
    stack.emulator.resetStats();
    for (const id of ['.', '..', globalId('TrainingJob', '..')]) {
      const outcome = await wsOnce(
        served.url,
        { query: 'subscription($id: ID!) { trainingJobUpdated(id: $id) { jobId } }', variables: { id } },
        null,
      );
      badInput(outcome);
    }
    expect(stack.calls()).toBe(0);
  });
});

describe('client input that used to end in a 500', () => {
  const { stack, served } = useServed();

  it.each(['post', 'ws'] as const)(
    'a global id of an unknown type or of 60 KB is BAD_USER_INPUT over %s',
    async (transport) => {
      stack.emulator.resetStats();
      for (const id of [globalId('Secret', 'job_1'), globalId('TrainingJob', 'j'.repeat(60_000)), 'x'.repeat(60_000)]) {
        badInput(
          await served.send(transport, { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id } }),
        );
        // A raw id that merely looks like base64 is a coordinator id here: only the long ones.
        if (id.length < 1000) continue;
        badInput(
          await served.send(transport, { query: 'query($id: ID!) { trainingJob(id: $id) { id } }', variables: { id } }),
        );
      }
      expect(stack.calls()).toBe(0);
    },
  );

  it.each(['post', 'ws'] as const)(
    'variables nested 3,000 deep are BAD_USER_INPUT over %s; the socket stays open',
    async (transport) => {
      let deep: unknown = 'x';
      for (let i = 0; i < 3000; i++) deep = { a: deep };
      const outcome = await served.send(transport, {
        query: 'query($f: JSON) { trainingJobs(first: 1) { totalCount } }',
        variables: { f: deep },
      });
      expect(outcome.closeCode).toBeUndefined();
      expect(outcome.status).toBeLessThan(500);
      badInput(outcome);
    },
  );
});
