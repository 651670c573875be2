/**
 * `node` and `nodes` as a client meets them: every node type by its global ID (checkpoints too),
 * mixed types in one operation, failures confined to their own slot, and a bound on how many
 * lookups one request can make the gateway send upstream.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_KEYS, type Stack, useStack, withStack } from './support/stack.js';

interface RestJob {
  job_id: string;
  checkpoints?: Array<{ checkpoint_id: string }>;
}

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');

type NodeResult = { __typename: string; id: string } | null;

const MIXED = `query Mixed($job: ID!, $checkpoint: ID!, $ids: [ID!]!) {
  job: node(id: $job) { __typename id }
  checkpoint: node(id: $checkpoint) { __typename id ... on Checkpoint { checkpointId job { jobId } } }
  nodes(ids: $ids) { __typename id }
}`;

/** nodes(ids:) over `count` job ids, selecting only `id`. */
const manyNodes = (stack: Stack, count: number) =>
  stack.run<{ nodes: NodeResult[] }, { ids: string[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
    ids: Array.from({ length: count }, (_, i) => globalId('TrainingJob', `job_${i}`)),
  });

describe('node and nodes', () => {
  const stack = useStack();
  let job: RestJob;

  beforeAll(async () => {
    const response = await fetch(`${stack.emulator.url}/jobs?page_size=100`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    const jobs = ((await response.json()) as { data: { jobs: RestJob[] } }).data.jobs;
    const withCheckpoint = jobs.find((candidate) => (candidate.checkpoints?.length ?? 0) > 0);
    if (!withCheckpoint) throw new Error('the seed has no job with a checkpoint');
    job = withCheckpoint;
  });
  beforeEach(() => stack.emulator.resetStats());

  it('answers a job and its checkpoint asked together, through node and nodes, in either order', async () => {
    const checkpointId = job.checkpoints?.[0]?.checkpoint_id ?? '';
    const jobId = globalId('TrainingJob', job.job_id);
    const checkpoint = globalId('Checkpoint', `${job.job_id}/${checkpointId}`);
    for (const ids of [
      [jobId, checkpoint],
      [checkpoint, jobId],
    ]) {
      const response = await stack.run<
        {
          job: NodeResult;
          checkpoint: NodeResult & { checkpointId: string; job: { jobId: string } };
          nodes: NodeResult[];
        },
        Record<string, unknown>
      >(MIXED, { job: jobId, checkpoint, ids });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.job).toEqual({ __typename: 'TrainingJob', id: jobId });
      expect(response.body.data?.checkpoint).toMatchObject({ __typename: 'Checkpoint', id: checkpoint, checkpointId });
      expect(response.body.data?.checkpoint.job.jobId).toBe(job.job_id);
      expect(response.body.data?.nodes.map((node) => node?.id)).toEqual(ids);
    }
  });

  it('fails a job that cannot be read and its checkpoint each in its own slot, not the whole list', async () => {
    const missingJob = globalId('TrainingJob', 'job_doesnotexist');
    const itsCheckpoint = globalId('Checkpoint', 'job_doesnotexist/ckpt_01');
    const readable = globalId('TrainingJob', job.job_id);
    const response = await stack.run<
      { job: NodeResult; checkpoint: NodeResult; nodes: NodeResult[] },
      Record<string, unknown>
    >(MIXED, { job: missingJob, checkpoint: itsCheckpoint, ids: [missingJob, itsCheckpoint, readable] });
    expect(response.body.data?.job).toBeNull();
    expect(response.body.data?.checkpoint).toBeNull();
    // The readable node keeps its data; the two unreadable ones are null, each with its own error.
    expect(response.body.data?.nodes).toEqual([null, null, { __typename: 'TrainingJob', id: readable }]);
    const byPath = new Map(response.body.errors?.map((error) => [error.path?.join('.'), error.extensions?.code]));
    expect(Object.fromEntries(byPath)).toEqual({
      job: 'NOT_FOUND',
      checkpoint: 'NOT_FOUND',
      'nodes.0': 'NOT_FOUND',
      'nodes.1': 'NOT_FOUND',
    });
  });

  it('refuses more than 100 IDs in one nodes(ids:) with BAD_USER_INPUT before any upstream call', async () => {
    await withStack({ config: { maxCost: 1_000_000 } }, async (generous) => {
      const response = await manyNodes(generous, 101);
      expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0]?.message).toMatch(/at most 100 IDs/);
      expect(generous.calls()).toBe(0);
    });
  });

  it('counts every id of nodes(ids:) in the query cost, even when only `id` is selected', async () => {
    await withStack({ config: { maxCost: 50 } }, async (capped) => {
      const response = await manyNodes(capped, 60);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors?.[0]?.extensions?.limit).toBe('cost');
      expect(response.body.errors?.[0]?.extensions?.cost).toEqual({ actual: 60, max: 50 });
      expect(capped.calls()).toBe(0);

      // Within the limit, it runs: one lookup per id.
      const allowed = await manyNodes(capped, 50);
      expect(allowed.body.data?.nodes).toHaveLength(50);
      expect(capped.calls('GET /jobs/{job_id}')).toBe(50);
    });
  });
});
