/**
 * Two tenants through one gateway: acme (`EMULATOR_KEYS.dev`) and globex (`EMULATOR_KEYS.otherTenant`).
 * Nothing is shared across credentials (loaders, caches, the idempotency store), so globex never
 * gets acme's data: not by id, not by `node`, not by listing, not through a mutation, not through
 * an idempotency key acme used first. Subscriptions are covered by the live tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_KEYS, type Stack, startStack } from './support/stack.js';

interface WireJob {
  job_id: string;
  status: string;
}

const A = EMULATOR_KEYS.dev;
const B = EMULATOR_KEYS.otherTenant;

const LIST = `{
  trainingJobs(first: 100) { edges { node { jobId name } } }
  evaluations(first: 100) { edges { node { evaluationId job { jobId } } } }
}`;
const BY_ID = 'query ById($id: ID!) { trainingJob(id: $id) { jobId name } }';
const BY_NODE = 'query ByNode($id: ID!) { node(id: $id) { id ... on TrainingJob { jobId } } }';
const CANCEL = `mutation Cancel($id: ID!) {
  cancelTrainingJob(input: { id: $id }) { trainingJob { jobId status } userErrors { code message } }
}`;
const SUBMIT = `mutation Submit($input: SubmitEvaluationInput!) {
  submitEvaluation(input: $input) { evaluation { evaluationId job { jobId } } userErrors { field code } }
}`;

type Listing = {
  trainingJobs: { edges: Array<{ node: { jobId: string } }> };
  evaluations: { edges: Array<{ node: { evaluationId: string; job: { jobId: string } | null } }> };
};

describe('tenant isolation', () => {
  let stack: Stack;
  let jobsA: WireJob[];
  let jobsB: WireJob[];

  const wireJobs = async (key: string) => {
    const response = await fetch(`${stack.emulator.url}/jobs?page_size=100`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return ((await response.json()) as { data: { jobs: WireJob[] } }).data.jobs;
  };
  const idsOf = (listing: Listing) => ({
    jobs: listing.trainingJobs.edges.map((edge) => edge.node.jobId),
    evaluations: listing.evaluations.edges.map((edge) => edge.node.evaluationId),
  });

  beforeAll(async () => {
    stack = await startStack();
    jobsA = await wireJobs(A);
    jobsB = await wireJobs(B);
    expect(jobsA.length).toBeGreaterThan(0);
    expect(jobsB.length).toBeGreaterThan(0);
  });
  afterAll(() => stack.close());

  it('lists only the caller’s own jobs and evaluations, also when both tenants ask at the same time', async () => {
    const ownA = new Set(jobsA.map((job) => job.job_id));
    const ownB = new Set(jobsB.map((job) => job.job_id));
    // Interleaved, concurrent requests: a loader or cache shared across requests would leak here.
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stack.run<Listing, Record<string, never>>(LIST, {}, { token: i % 2 ? B : A }),
      ),
    );
    const evaluationsA = new Set<string>();
    const evaluationsB = new Set<string>();
    responses.forEach((response, i) => {
      expect(response.body.errors).toBeUndefined();
      const { jobs, evaluations } = idsOf(response.body.data as Listing);
      const own = i % 2 ? ownB : ownA;
      expect(jobs.length).toBeGreaterThan(0);
      for (const id of jobs) expect(own.has(id), id).toBe(true);
      for (const id of evaluations) (i % 2 ? evaluationsB : evaluationsA).add(id);
    });
    for (const id of evaluationsB) expect(evaluationsA.has(id)).toBe(false);
  });

  it('answers NOT_FOUND for the other tenant’s job by id and by node', async () => {
    const jobA = jobsA[0] as WireJob;
    const globalId = Buffer.from(`TrainingJob:${jobA.job_id}`).toString('base64');
    // Warm acme's view of the job first: nothing of it may survive into globex's request.
    const [ownById, otherById, otherByNode] = await Promise.all([
      stack.run(BY_ID, { id: jobA.job_id }, { token: A }),
      stack.run(BY_ID, { id: jobA.job_id }, { token: B }),
      stack.run(BY_NODE, { id: globalId }, { token: B }),
    ]);
    expect(ownById.body.data).toEqual({ trainingJob: { jobId: jobA.job_id, name: expect.any(String) } });
    expect(otherById.body.data).toEqual({ trainingJob: null });
    expect(otherById.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(otherByNode.body.data).toEqual({ node: null });
    expect(otherByNode.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('cannot act on the other tenant’s job through a mutation', async () => {
    const running = jobsA.find((job) => ['TRAINING', 'QUEUED', 'PENDING', 'SCHEDULING'].includes(job.status));
    if (!running) throw new Error('acme has no cancellable job in the seed');
    const response = await stack.run(CANCEL, { id: running.job_id }, { token: B });
    const payload = (
      response.body.data as { cancelTrainingJob: { trainingJob: unknown; userErrors: Array<{ code: string }> } } | null
    )?.cancelTrainingJob;
    const codes = [...(payload?.userErrors ?? []), ...(response.body.errors?.map((e) => e.extensions ?? {}) ?? [])].map(
      (error) => (error as { code?: unknown }).code,
    );
    expect(codes).toContain('NOT_FOUND');
    expect(payload?.trainingJob ?? null).toBeNull();
    const after = (await wireJobs(A)).find((job) => job.job_id === running.job_id);
    expect(after?.status).toBe(running.status);
  });

  it('keeps idempotency keys per credential: the same key from another tenant never returns the first tenant’s evaluation', async () => {
    const completedA = jobsA.find((job) => job.status === 'COMPLETED');
    const completedB = jobsB.find((job) => job.status === 'COMPLETED');
    if (!completedA || !completedB) throw new Error('seed lacks completed jobs');
    stack.emulator.resetStats();
    const key = 'shared-idempotency-key';
    type Submitted = {
      submitEvaluation: {
        evaluation: { evaluationId: string; job: { jobId: string } | null } | null;
        userErrors: Array<{ code: string }>;
      };
    };
    const first = await stack.run<Submitted, Record<string, unknown>>(
      SUBMIT,
      { input: { jobId: completedA.job_id, benchmarks: [{ name: 'arc' }], idempotencyKey: key } },
      { token: A },
    );
    const evaluationA = first.body.data?.submitEvaluation.evaluation?.evaluationId;
    expect(evaluationA).toMatch(/^eval_/);

    // Same key, same input, other tenant: not acme's cached evaluation, but globex's own NOT_FOUND.
    const replayed = await stack.run<Submitted, Record<string, unknown>>(
      SUBMIT,
      { input: { jobId: completedA.job_id, benchmarks: [{ name: 'arc' }], idempotencyKey: key } },
      { token: B },
    );
    expect(replayed.body.data?.submitEvaluation.evaluation ?? null).toBeNull();
    expect(JSON.stringify(replayed.body)).not.toContain(String(evaluationA));

    // Same key for globex's own job: a new evaluation of its own, not a "key reused" conflict.
    const own = await stack.run<Submitted, Record<string, unknown>>(
      SUBMIT,
      { input: { jobId: completedB.job_id, benchmarks: [{ name: 'arc' }], idempotencyKey: key } },
      { token: B },
    );
    expect(own.body.data?.submitEvaluation.userErrors).toEqual([]);
    const evaluationB = own.body.data?.submitEvaluation.evaluation?.evaluationId;
    expect(evaluationB).toMatch(/^eval_/);
    expect(evaluationB).not.toBe(evaluationA);

    // And neither tenant's listing shows the other's new evaluation.
    const [listA, listB] = await Promise.all([
      stack.run<Listing, Record<string, never>>(LIST, {}, { token: A }),
      stack.run<Listing, Record<string, never>>(LIST, {}, { token: B }),
    ]);
    expect(idsOf(listA.body.data as Listing).evaluations).toContain(evaluationA);
    expect(idsOf(listA.body.data as Listing).evaluations).not.toContain(evaluationB);
    expect(idsOf(listB.body.data as Listing).evaluations).toContain(evaluationB);
    expect(idsOf(listB.body.data as Listing).evaluations).not.toContain(evaluationA);
  });
});
