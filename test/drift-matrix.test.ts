/**
 * The drift matrix: the graph suite (queries, pagination walks, mutations, subscriptions) against
 * the emulator playing each tolerated variant of the coordinator, one by one and all together.
 * Every answer is checked against what the profile's data really is: the same emulator, switched
 * back to the contract for the moment of the check, read over REST.
 *
 * `npm test` runs a representative set of profiles; `DRIFT_MATRIX=full` (CI) runs every profile.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIFT_PROFILE_NAMES, type Drift, type DriftProfileName } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { call, walk } from './support/emulator-http.js';
import { EMULATOR_KEYS, EVALUATION_UPDATED, JOB_UPDATED, recordSse, startLiveInstance } from './support/live-stack.js';
import { useStack } from './support/stack.js';
import { sleep } from './support/wait.js';

const REPRESENTATIVE: DriftProfileName[] = [
  'contract',
  'everything',
  'everything-current',
  'evaluations-in-jobs',
  'job-id-filter-ignored',
  'error-statuses-unusual',
];
const PROFILES: readonly DriftProfileName[] =
  process.env.DRIFT_MATRIX === 'full' ? DRIFT_PROFILE_NAMES : REPRESENTATIVE;

// biome-ignore lint/suspicious/noExplicitAny: contract-shaped wire JSON, the test's source of truth
type Wire = any;
// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers checked field by field
type Answer = any;

const JOBS_PAGE = `query Jobs($first: Int, $after: String, $order: ListOrder, $status: [JobStatus!]) {
  trainingJobs(first: $first, after: $after, orderBy: $order, filter: { status: $status }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      jobId name status framework priority createdAt
      progress { currentStep }
      checkpoints { checkpointId uri }
    } }
  }
}`;

const EVALUATIONS_PAGE = `query Evaluations($first: Int, $after: String) {
  evaluations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { evaluationId status checkpoint { checkpointId } job { jobId } benchmarks { name status score } } }
  }
}`;

const JOB_EVALUATIONS_PAGE = `query JobEvaluations($id: ID!, $first: Int, $after: String) {
  trainingJob(id: $id) {
    evaluations(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { evaluationId job { jobId } } }
    }
  }
}`;

const SUBMIT = `mutation Submit($input: SubmitEvaluationInput!) {
  submitEvaluation(input: $input) {
    evaluation { evaluationId modelUri checkpoint { checkpointId } job { jobId } }
    userErrors { field message code }
    warnings { field message }
  }
}`;

const CANCEL = `mutation Cancel($input: CancelTrainingJobInput!) {
  cancelTrainingJob(input: $input) { trainingJob { jobId status } userErrors { field message code } }
}`;

const iso = (text: string | null) => (text === null ? null : new Date(text).toISOString());

describe.each(PROFILES)('drift profile %s', (profile) => {
  const stack = useStack({ emulator: { profile } });
  let drift: Drift;

  beforeAll(async () => {
    drift = stack.emulator.drift;
  });
  beforeEach(() => stack.emulator.reset());

  /** Reads the truth: the same store, rendered as the contract has it. */
  async function truth<T>(read: () => Promise<T>): Promise<T> {
    stack.emulator.setProfile('contract');
    try {
      return await read();
    } finally {
      stack.emulator.setProfile(drift);
    }
  }
  const truthWalk = (path: '/jobs' | '/evaluations', query: Record<string, string | number | string[]> = {}) =>
    truth(async () => (await walk(stack.emulator, path, { page_size: 100, ...query })).items as Wire[]);
  const truthJob = async (name: string): Promise<Wire> => {
    const job = (await truthWalk('/jobs')).find((j) => j.name === name);
    if (job === undefined) throw new Error(`no seeded job ${name}`);
    return job;
  };

  async function run(query: string, variables: Record<string, unknown> = {}, token = EMULATOR_KEYS.dev) {
    return (await stack.run(query, variables, { token })).body as { data?: Answer; errors?: Answer[] };
  }

  /** Walks a connection `first` at a time; every page's totalCount is kept. */
  async function walkConnection(
    query: string,
    variables: Record<string, unknown>,
    at: (data: Answer) => Answer,
  ): Promise<{ nodes: Answer[]; totals: Array<number | null>; errors?: Answer[] }> {
    const nodes: Answer[] = [];
    const totals: Array<number | null> = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const body = await run(query, { ...variables, after });
      if (body.errors?.length) return { nodes, totals, errors: body.errors };
      const connection = at(body.data);
      totals.push(connection.totalCount);
      nodes.push(...connection.edges.map((edge: Answer) => edge.node));
      if (!connection.pageInfo.hasNextPage) return { nodes, totals };
      after = connection.pageInfo.endCursor;
    }
    throw new Error('connection walk does not end');
  }

  it('lists exactly the training jobs, page by page, with their true fields and count', async () => {
    const expected = await truthWalk('/jobs');
    const { nodes, totals, errors } = await walkConnection(JOBS_PAGE, { first: 7 }, (d) => d.trainingJobs);
    expect(errors).toBeUndefined();
    expect(nodes.map((n) => n.jobId)).toEqual(expected.map((j) => j.job_id));
    expect(new Set(totals)).toEqual(new Set([expected.length]));
    nodes.forEach((node, i) => {
      const job = expected[i];
      expect(node).toEqual({
        jobId: job.job_id,
        name: job.name,
        status: job.status,
        framework: job.training_config.framework.type,
        priority: job.training_config.priority,
        createdAt: iso(job.created_at),
        progress: { currentStep: job.progress.current_step },
        // A coordinator that sends no checkpoints list shows none: nothing is known, nothing invented.
        checkpoints: drift.checkpointsList
          ? job.checkpoints.map((c: Wire) => ({ checkpointId: c.checkpoint_id, uri: c.uri }))
          : [],
      });
    });
  });

  it('filters by status, and orders by name or says clearly that the coordinator cannot', async () => {
    const completedOrFailed = await truthWalk('/jobs', { status: ['COMPLETED', 'FAILED'] });
    const filtered = await walkConnection(
      JOBS_PAGE,
      { first: 5, status: ['COMPLETED', 'FAILED'] },
      (d) => d.trainingJobs,
    );
    expect(filtered.nodes.map((n) => n.jobId)).toEqual(completedOrFailed.map((j) => j.job_id));
    expect(new Set(filtered.totals)).toEqual(new Set([completedOrFailed.length]));

    const byName = await walkConnection(JOBS_PAGE, { first: 50, order: 'NAME_ASC' }, (d) => d.trainingJobs);
    if (drift.orderBy === 'refused') {
      expect(byName.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(byName.errors?.[0]?.message).toMatch(/does not support this `orderBy`/);
    } else {
      const expected = await truthWalk('/jobs', { order_by: 'name asc' });
      expect(byName.nodes.map((n) => n.jobId)).toEqual(expected.map((j) => j.job_id));
    }
  });

  it('lists every evaluation with its own id, its job and its true scores', async () => {
    const expected = await truthWalk('/evaluations');
    const { nodes, totals } = await walkConnection(EVALUATIONS_PAGE, { first: 4 }, (d) => d.evaluations);
    expect(nodes.map((n) => n.evaluationId)).toEqual(expected.map((e) => e.job_id));
    expect(new Set(totals)).toEqual(new Set([expected.length]));
    nodes.forEach((node, i) => {
      const item = expected[i];
      expect(node.status).toBe(item.status);
      expect(node.job.jobId).toBe(item.labels.parent_job_id);
      expect(node.checkpoint?.checkpointId ?? '').toBe(item.checkpoint_id);
      const scores = Object.fromEntries(node.benchmarks.map((b: Answer) => [b.name, b.score]));
      for (const result of item.results) expect(scores[result.benchmark]).toBe(result.score);
    });
  });

  it("shows a job's own evaluations only, on correct pages, and never a wrong total", async () => {
    const job = await truthJob(SEEDED.completedWithEvaluations);
    const expected = await truthWalk('/evaluations', { job_id: job.job_id });
    expect(expected.length).toBeGreaterThan(1);
    const { nodes, totals } = await walkConnection(
      JOB_EVALUATIONS_PAGE,
      { id: job.job_id, first: 1 },
      (d) => d.trainingJob.evaluations,
    );
    expect(nodes.map((n) => n.evaluationId)).toEqual(expected.map((e) => e.job_id));
    expect(nodes.every((n) => n.job.jobId === job.job_id)).toBe(true);
    for (const total of totals) {
      if (drift.jobIdFilter === 'applied') expect(total).toBe(expected.length);
      else expect([null, expected.length]).toContain(total);
    }
  });

  it('submits evaluations: fills model_uri, scores a checkpoint of a running job, refuses what the coordinator refuses', async () => {
    const completed = await truthJob(SEEDED.completedWithEvaluations);
    const final = await run(SUBMIT, { input: { jobId: completed.job_id, benchmarks: [{ name: 'mmlu' }] } });
    expect(final.data.submitEvaluation.userErrors).toEqual([]);
    expect(final.data.submitEvaluation.evaluation.modelUri).toBe(completed.output_model_uri);
    expect(final.data.submitEvaluation.warnings).toEqual([
      { field: ['input', 'modelUri'], message: expect.stringContaining(completed.output_model_uri) },
    ]);

    const training = await truthJob(SEEDED.trainingWithCheckpoints);
    const checkpoint = training.checkpoints[0];
    const input = { jobId: training.job_id, checkpointId: checkpoint.checkpoint_id, benchmarks: [{ name: 'arc' }] };
    let atCheckpoint = await run(SUBMIT, { input });
    if (!drift.checkpointsList) {
      // Without a checkpoints list the pre-check steps aside, but nothing tells the checkpoint's uri:
      // the coordinator's own answer (model_uri is required) reaches the client, on its field.
      expect(atCheckpoint.data.submitEvaluation.userErrors).toEqual([
        { field: ['input', 'modelUri'], message: expect.any(String), code: 'BAD_USER_INPUT' },
      ]);
      atCheckpoint = await run(SUBMIT, { input: { ...input, modelUri: checkpoint.uri } });
    }
    expect(atCheckpoint.data.submitEvaluation.userErrors).toEqual([]);
    const submitted = await truth(async () =>
      call(stack.emulator, 'GET', `/evaluations/${atCheckpoint.data.submitEvaluation.evaluation.evaluationId}`),
    );
    expect(submitted.body.data).toMatchObject({
      job_id: training.job_id,
      checkpoint_id: checkpoint.checkpoint_id,
      model_uri: checkpoint.uri,
    });

    const unknownBenchmark = await run(SUBMIT, {
      input: { jobId: completed.job_id, benchmarks: [{ name: 'mmlu' }, { name: 'no-such-bench' }] },
    });
    expect(unknownBenchmark.data.submitEvaluation.userErrors).toEqual([
      {
        field: ['input', 'benchmarks', '1', 'name'],
        message: expect.stringContaining('no-such-bench'),
        code: 'BAD_USER_INPUT',
      },
    ]);

    // The coordinator's FAILED_PRECONDITION (some deployments send it with 400) is a CONFLICT.
    const cancelDone = await run(CANCEL, { input: { id: completed.job_id } });
    expect(cancelDone.data.cancelTrainingJob.userErrors).toEqual([
      { field: null, message: expect.any(String), code: 'CONFLICT' },
    ]);
    const missing = await run(CANCEL, { input: { id: 'job_ffffffff' } });
    expect(missing.data.cancelTrainingJob.userErrors).toEqual([
      { field: ['input', 'id'], message: expect.any(String), code: 'NOT_FOUND' },
    ]);
  });

  it("reads a job's latest metrics as the coordinator has them", async () => {
    const job = await truthJob(SEEDED.trainingWithCheckpoints);
    const metrics = (await truth(() => call(stack.emulator, 'GET', `/jobs/${job.job_id}/metrics`))).body.data;
    const body = await run('query($id: ID!) { trainingJob(id: $id) { latestMetrics { step value(name: "loss") } } }', {
      id: job.job_id,
    });
    expect(body.data.trainingJob.latestMetrics).toEqual({ step: metrics.step, value: metrics.metrics.loss });
    const rateLimit = await run('{ viewer { rateLimit { remaining resetAt } } }');
    const resetAt = rateLimit.data.viewer.rateLimit?.resetAt;
    // Epoch or seconds to go, the reset lands within the 60 s window, never decades away or in 1970.
    if (resetAt) expect(Math.abs(Date.parse(resetAt) - Date.now())).toBeLessThan(120_000);
  });
});

describe.each(PROFILES)('drift profile %s: subscriptions', (profile) => {
  it('follows an evaluation and a preempted job through their real states, ending only on a terminal one', async () => {
    const { createEmulator } = await import('../src/emulator/index.js');
    const emulator = await createEmulator({ speed: 0, profile });
    const instance = await startLiveInstance(emulator);
    try {
      const drift = emulator.drift;
      emulator.setProfile('contract');
      const queued = (await walk(emulator, '/evaluations', { status: 'QUEUED' })).items[0];
      const preempted = (await walk(emulator, '/jobs', { page_size: 100 })).items.find(
        (j: Wire) => j.name === SEEDED.preempted,
      );
      emulator.setProfile(drift);

      const evaluation = await recordSse(instance.server.url, EMULATOR_KEYS.dev, EVALUATION_UPDATED, {
        id: queued.job_id,
      });
      const job = await recordSse(instance.server.url, EMULATOR_KEYS.dev, JOB_UPDATED, { id: preempted.job_id });
      const statuses = (sse: typeof evaluation, field: string) =>
        sse.events
          .filter((event) => event.event === 'next')
          .map((event) => (event.data as Answer).data[field].status as string);
      for (let step = 0; step < 600; step++) {
        const done = [evaluation, job].every((sse) => sse.events.some((event) => event.event === 'complete'));
        if (done) break;
        // The pollers run on real time; the coordinator's clock moves only when told: in small steps
        // while the job is preempted (so its next state is seen), then an hour at a time.
        const seen = statuses(job, 'trainingJobUpdated');
        if (evaluation.events.length > 0 && seen.length > 0)
          emulator.advance(seen.at(-1) === 'PREEMPTED' ? 5_000 : 3_600_000);
        await sleep(25);
      }
      const evaluationStatuses = statuses(evaluation, 'evaluationUpdated');
      const jobStatuses = statuses(job, 'trainingJobUpdated');
      expect(evaluationStatuses[0]).toBe('QUEUED');
      expect(evaluationStatuses.at(-1)).toBe('COMPLETED');
      // PREEMPTED is left again (re-queued): the subscription goes on to a terminal state.
      expect(jobStatuses[0]).toBe('PREEMPTED');
      expect(jobStatuses.slice(1).some((status) => status !== 'PREEMPTED')).toBe(true);
      expect(['COMPLETED', 'FAILED']).toContain(jobStatuses.at(-1));
      expect(evaluation.events.at(-1)?.event).toBe('complete');
      expect(job.events.at(-1)?.event).toBe('complete');
    } finally {
      await instance.stop();
      await emulator.close();
    }
  }, 60_000);
});
