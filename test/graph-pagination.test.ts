import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobsPageQuery } from './generated/graphql.js';
import { graphql } from './generated/index.js';

type JobsConnection = JobsPageQuery['trainingJobs'];

import { dataOf, EMULATOR_KEYS, type Stack, useStack, withStack } from './support/stack.js';

const Jobs = graphql(`
  query JobsPage($first: Int, $after: String, $last: Int, $before: String, $filter: TrainingJobFilter, $orderBy: ListOrder) {
    trainingJobs(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { jobId status } }
    }
  }
`);

/** Without totalCount: its probe for evaluation workloads would add calls to the counts. */
const JobIds = graphql(`
  query JobIds($first: Int, $after: String) {
    trainingJobs(first: $first, after: $after) { pageInfo { endCursor } edges { node { jobId } } }
  }
`);

const Evaluations = graphql(`
  query EvaluationsPage($first: Int, $after: String, $filter: EvaluationFilter) {
    evaluations(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { evaluationId job { jobId } } }
    }
  }
`);

async function restIds(stack: Stack, path: string, listKey: 'jobs' | 'evaluations', idKey: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${stack.emulator.url}${path}${separator}page_size=100${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` } });
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    ids.push(...(data[listKey] as Array<Record<string, string>>).map((item) => item[idKey] as string));
    token = (data.next_page_token as string | undefined) || undefined;
  } while (token);
  return ids;
}

describe('connections over page tokens', () => {
  const stack = useStack({ emulator: { seedJobs: 45 } });
  let allJobIds: string[];

  beforeAll(async () => {
    allJobIds = await restIds(stack, '/jobs', 'jobs', 'job_id');
    // The first totalCount of a gateway probes once whether this coordinator mixes evaluation
    // workloads into GET /jobs; the call counts below are those of a gateway that knows.
    dataOf(await stack.run(Jobs, { first: 1 }));
  });
  beforeEach(() => stack.emulator.resetStats());

  it.each([1, 7, 100])('walks the whole listing with first = %i: every job once, in the REST order', async (first) => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: JobsConnection = dataOf(await stack.run(Jobs, { first, after })).trainingJobs;
      if (!page) throw new Error('no connection');
      pages++;
      expect(page.totalCount).toBe(allJobIds.length);
      expect(page.edges.length).toBeLessThanOrEqual(first);
      seen.push(...page.edges.map((edge) => edge.node.jobId));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(allJobIds);
    expect(pages).toBe(Math.ceil(allJobIds.length / first));
    // A page turn costs one upstream call: cursors at a page end point at the next page's token.
    expect(stack.calls('GET /jobs')).toBe(pages);
  });

  it('spans several upstream pages when first grows after the first page', async () => {
    const firstPage = dataOf(await stack.run(Jobs, { first: 5 })).trainingJobs;
    const next = dataOf(await stack.run(Jobs, { first: 12, after: firstPage?.pageInfo.endCursor })).trainingJobs;
    expect(next?.edges.map((edge) => edge.node.jobId)).toEqual(allJobIds.slice(5, 17));
    expect(next?.pageInfo.hasPreviousPage).toBe(true);
  });

  it('answers first: 30 after a cursor taken with first: 1 in at most two upstream calls, whatever came before', async () => {
    let after: string | null | undefined = null;
    // A cursor with a history: taken after a few pages of one item each.
    for (let i = 0; i < 3; i++) {
      after = dataOf(await stack.run(Jobs, { first: 1, after })).trainingJobs?.pageInfo.endCursor;
    }
    stack.emulator.resetStats();
    const page = dataOf(await stack.run(Jobs, { first: 30, after })).trainingJobs;
    expect(page?.edges.map((edge) => edge.node.jobId)).toEqual(allJobIds.slice(3, 33));
    expect(stack.calls('GET /jobs')).toBeLessThanOrEqual(2);

    // And across the end of an upstream page: 80 + 30 straddles the 100-item boundary.
    await withStack({ emulator: { seedJobs: 130 } }, async (large) => {
      const ids = await restIds(large, '/jobs', 'jobs', 'job_id');
      let cursor: string | null | undefined = null;
      for (const first of [1, 79]) {
        cursor = dataOf(await large.run(JobIds, { first, after: cursor })).trainingJobs?.pageInfo.endCursor;
      }
      large.emulator.resetStats();
      const straddling = dataOf(await large.run(JobIds, { first: 30, after: cursor })).trainingJobs;
      expect(straddling?.edges.map((edge) => edge.node.jobId)).toEqual(ids.slice(80, 110));
      expect(large.calls('GET /jobs')).toBe(2);
    });
  });

  it('resumes right after a cursor taken from the middle of a page', async () => {
    const page = dataOf(await stack.run(Jobs, { first: 10 })).trainingJobs;
    const middle = page?.edges[3]?.cursor;
    const resumed = dataOf(await stack.run(Jobs, { first: 3, after: middle })).trainingJobs;
    expect(resumed?.edges.map((edge) => edge.node.jobId)).toEqual(allJobIds.slice(4, 7));
  });

  it('filters by status and orders by name, walking that listing exactly', async () => {
    const expected = await restIds(stack, '/jobs?status=COMPLETED&status=FAILED&order_by=name%20asc', 'jobs', 'job_id');
    expect(expected.length).toBeGreaterThan(1);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: JobsConnection = dataOf(
        await stack.run(Jobs, { first: 2, after, filter: { status: ['FAILED', 'COMPLETED'] }, orderBy: 'NAME_ASC' }),
      ).trainingJobs;
      seen.push(...(page?.edges ?? []).map((edge) => edge.node.jobId));
      for (const edge of page?.edges ?? []) expect(['COMPLETED', 'FAILED']).toContain(edge.node.status);
      if (!page?.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('refuses a cursor replayed under another filter or order, without calling upstream', async () => {
    const page = dataOf(await stack.run(Jobs, { first: 3 })).trainingJobs;
    stack.emulator.resetStats();
    for (const variables of [
      { first: 3, after: page?.pageInfo.endCursor, filter: { status: ['COMPLETED' as const] } },
      { first: 3, after: page?.pageInfo.endCursor, orderBy: 'NAME_DESC' as const },
    ]) {
      const response = await stack.run(Jobs, variables);
      expect(response.body.data?.trainingJobs).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toMatch(/other filters or order/);
    }
    expect(stack.calls()).toBe(0);
  });

  it('refuses malformed cursors, first out of range and backward pagination with BAD_USER_INPUT', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ first: 5, after: 'not-a-cursor' }, /malformed/],
      [{ first: 0 }, /1 to 100/],
      [{ first: 101 }, /1 to 100/],
      [{ last: 5 }, /Backward pagination/],
      [{ first: 5, before: 'x' }, /Backward pagination/],
    ];
    for (const [variables, message] of cases) {
      const response = await stack.run(Jobs, variables);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toMatch(message);
    }
    expect(stack.calls()).toBe(0);
  });

  it('says a cursor has expired once the coordinator’s page token has', async () => {
    // Cursors are read 100 items a page: one that carries a page token sits past the first 100.
    await withStack({ emulator: { seedJobs: 130 } }, async (large) => {
      const page = dataOf(await large.run(JobIds, { first: 100 })).trainingJobs;
      const deep = dataOf(await large.run(JobIds, { first: 5, after: page?.pageInfo.endCursor })).trainingJobs;
      large.emulator.advance(11 * 60 * 1000);
      const response = await large.run(JobIds, { first: 5, after: deep?.pageInfo.endCursor });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toMatch(/expired/);
    });
  });

  it('does not call every 400 on a page with a cursor an expired cursor: only one that names page_token', async () => {
    const page = dataOf(await stack.run(Jobs, { first: 5 })).trainingJobs;
    stack.emulator.setFaults([{ route: 'GET /jobs', kind: 'status', status: 400, code: 'INVALID_ARGUMENT', count: 1 }]);
    const response = await stack.run(Jobs, { first: 5, after: page?.pageInfo.endCursor });
    stack.emulator.clearFaults();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).not.toMatch(/cursor/);
  });

  it('sends order_by only for an order other than the default', async () => {
    stack.emulator.setProfile({ orderBy: 'refused' });
    try {
      // A coordinator refusing any order_by still serves the default order to everyone...
      expect(dataOf(await stack.run(Jobs, { first: 5 })).trainingJobs?.edges).toHaveLength(5);
      expect(dataOf(await stack.run(Jobs, { first: 5, orderBy: 'CREATED_AT_DESC' })).trainingJobs?.edges).toHaveLength(
        5,
      );
      // ...and whoever asks for another order learns why it cannot be had.
      const byName = await stack.run(Jobs, { first: 5, orderBy: 'NAME_ASC' });
      expect(byName.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(byName.body.errors?.[0]?.message).toMatch(/does not support this `orderBy`/);
    } finally {
      stack.emulator.setProfile('contract');
    }
  });

  it('gives an empty page null cursors and no next page', async () => {
    const { evaluations } = dataOf(await stack.run(Evaluations, { first: 5, filter: { jobId: 'job_00000000' } }));
    expect(evaluations?.edges).toEqual([]);
    expect(evaluations?.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(evaluations?.totalCount).toBe(0);
  });

  it('lists the evaluations of one job, by raw or global job id', async () => {
    // Evaluation listings are job-shaped workload records under `jobs`, `job_id` being the evaluation's own id.
    const all = await restIds(stack, '/evaluations', 'jobs', 'job_id');
    expect(all.length).toBeGreaterThan(0);
    const { evaluations } = dataOf(await stack.run(Evaluations, { first: 100 }));
    expect(evaluations?.edges.map((edge) => edge.node.evaluationId)).toEqual(all);
    const jobId = evaluations?.edges[0]?.node.job?.jobId ?? '';
    const expected = await restIds(stack, `/evaluations?job_id=${jobId}`, 'jobs', 'job_id');
    const globalJobId = Buffer.from(`TrainingJob:${jobId}`).toString('base64');
    for (const id of [jobId, globalJobId]) {
      const filtered = dataOf(await stack.run(Evaluations, { first: 100, filter: { jobId: id } })).evaluations;
      expect(filtered?.edges.map((edge) => edge.node.evaluationId)).toEqual(expected);
    }
  });
});
