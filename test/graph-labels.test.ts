/** Label filters on trainingJobs and evaluations, and Evaluation.labels from the evaluated job. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { dataOf, EMULATOR_KEYS, useStack, withStack } from './support/stack.js';

const JobsByLabel = graphql(`
  query JobsByLabel($labels: [KeyValueInput!], $first: Int, $after: String) {
    trainingJobs(first: $first, after: $after, filter: { labels: $labels }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { jobId labels { key value } } }
    }
  }
`);

const EvaluationsByLabel = graphql(`
  query EvaluationsByLabel($labels: [KeyValueInput!]) {
    evaluations(first: 50, filter: { labels: $labels }) {
      totalCount
      edges { node { evaluationId labels { key value } job { jobId labels { key value } } } }
    }
  }
`);

interface RestJob {
  job_id: string;
  labels: Record<string, string>;
}

describe('label filters', () => {
  const stack = useStack();
  let jobs: RestJob[];

  beforeAll(async () => {
    const response = await fetch(`${stack.emulator.url}/jobs?page_size=100`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    jobs = ((await response.json()) as { data: { jobs: RestJob[] } }).data.jobs;
  });
  beforeEach(() => stack.emulator.resetStats());

  it('lists the jobs carrying every label asked for, in the coordinator’s order, without a total', async () => {
    const wanted = jobs.filter((job) => job.labels.team === 'support' && job.labels.project === 'helpdesk');
    expect(wanted.length).toBeGreaterThan(2);
    const labels = [
      { key: 'team', value: 'support' },
      { key: 'project', value: 'helpdesk' },
    ];
    const page = dataOf(await stack.run(JobsByLabel, { labels, first: 50 })).trainingJobs;
    expect(page?.edges.map((edge) => edge.node.jobId)).toEqual(wanted.map((job) => job.job_id));
    expect(page?.totalCount).toBeNull();
    expect(page?.pageInfo.hasNextPage).toBe(false);
    // One upstream page of 100, not one per `first`.
    expect(stack.calls('GET /jobs')).toBe(1);
  });

  it('pages through a filtered listing with cursors, never repeating or skipping a job', async () => {
    const labels = [{ key: 'team', value: 'support' }];
    const wanted = jobs.filter((job) => job.labels.team === 'support').map((job) => job.job_id);
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 20; i++) {
      const page = dataOf(await stack.run(JobsByLabel, { labels, first: 2, after })).trainingJobs;
      seen.push(...(page?.edges.map((edge) => edge.node.jobId) ?? []));
      if (!page?.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(wanted);
  });

  it('refuses a filter asking one key for two values', async () => {
    const response = await stack.run(JobsByLabel, {
      labels: [
        { key: 'team', value: 'a' },
        { key: 'team', value: 'b' },
      ],
    });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.calls('GET /jobs')).toBe(0);
  });

  it('gives evaluations their job’s labels and filters them by those', async () => {
    const all = dataOf(await stack.run(EvaluationsByLabel, {})).evaluations;
    for (const edge of all?.edges ?? []) {
      const own = edge.node.labels ?? [];
      for (const label of edge.node.job?.labels ?? []) expect(own).toContainEqual(label);
      expect(own.map((label) => label.key)).not.toContain('parent_job_id');
      expect(own.map((label) => label.key)).not.toContain('type');
    }
    const support = dataOf(
      await stack.run(EvaluationsByLabel, { labels: [{ key: 'team', value: 'support' }] }),
    ).evaluations;
    const expected = (all?.edges ?? []).filter((edge) =>
      edge.node.job?.labels.some((label) => label.key === 'team' && label.value === 'support'),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(support?.edges.map((edge) => edge.node.evaluationId)).toEqual(
      expected.map((edge) => edge.node.evaluationId),
    );
    expect(support?.totalCount).toBeNull();
  });

  it('bounds the scan of a sparse filter: five upstream pages, then a cursor to continue from', async () => {
    await withStack({ emulator: { seedJobs: 1000 } }, async (big) => {
      const labels = [{ key: 'team', value: 'nobody' }];
      const first = dataOf(await big.run(JobsByLabel, { labels, first: 10 })).trainingJobs;
      expect(first?.edges).toEqual([]);
      expect(first?.pageInfo.hasNextPage).toBe(true);
      expect(big.calls('GET /jobs')).toBe(5);
      const second = dataOf(
        await big.run(JobsByLabel, { labels, first: 10, after: first?.pageInfo.endCursor }),
      ).trainingJobs;
      expect(second?.edges).toEqual([]);
      // The cursor resumed at page 6; pages 6-10 are the rest of the 1000 jobs.
      expect(second?.pageInfo.hasNextPage).toBe(false);
      expect(big.calls('GET /jobs')).toBe(10);
    });
  });
});
