import { beforeEach, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { dataOf, EMULATOR_KEYS, useStack } from './support/stack.js';

const Submit = graphql(`
  mutation Submit($input: SubmitEvaluationInput!) {
    submitEvaluation(input: $input) {
      clientMutationId
      evaluation { evaluationId status modelUri job { jobId } benchmarks { name numSamples parameters { key value } } }
      userErrors { field message code }
      warnings { field message }
    }
  }
`);

// The four controls: the same payload shape (the job as it is now, and the field errors).
const Cancel = graphql(
  `mutation Cancel($input: CancelTrainingJobInput!) { cancelTrainingJob(input: $input) { trainingJob { jobId status } userErrors { field message code } } }`,
);
const Pause = graphql(
  `mutation Pause($input: PauseTrainingJobInput!) { pauseTrainingJob(input: $input) { trainingJob { jobId status } userErrors { field message code } } }`,
);
const Resume = graphql(
  `mutation Resume($input: ResumeTrainingJobInput!) { resumeTrainingJob(input: $input) { trainingJob { jobId status } userErrors { field message code } } }`,
);
const Retry = graphql(
  `mutation Retry($input: RetryTrainingJobInput!) { retryTrainingJob(input: $input) { trainingJob { jobId status } userErrors { field message code } } }`,
);

interface RestJob {
  job_id: string;
  status: string;
  output_model_uri?: string | null;
  checkpoints?: Array<{ checkpoint_id: string }>;
}

describe('mutations', () => {
  const stack = useStack();
  let jobs: RestJob[];
  const byStatus = (status: string) => {
    const job = jobs.find((candidate) => candidate.status === status);
    if (!job) throw new Error(`seed has no ${status} job`);
    return job;
  };

  beforeEach(async () => {
    stack.emulator.reset();
    const response = await fetch(`${stack.emulator.url}/jobs?page_size=100`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    jobs = ((await response.json()) as { data: { jobs: RestJob[] } }).data.jobs;
  });

  it('submits an evaluation of a completed job and returns it, with clientMutationId echoed', async () => {
    const job = byStatus('COMPLETED');
    const payload = dataOf(
      await stack.run(Submit, {
        input: {
          jobId: job.job_id,
          clientMutationId: 'm-1',
          benchmarks: [
            { name: 'mmlu', numSamples: 200 },
            {
              name: 'custom-acme-support',
              dataset: 'scaidrive://acme/eval/support-testset.jsonl',
              parameters: [{ key: 'temperature', value: '0.0' }],
            },
          ],
        },
      }),
    ).submitEvaluation;
    expect(payload.userErrors).toEqual([]);
    // model_uri is required [doc]: filled from the job's output model, and said so.
    expect(payload.warnings).toEqual([
      { field: ['input', 'modelUri'], message: expect.stringContaining(job.output_model_uri ?? 'no output model') },
    ]);
    expect(payload.evaluation?.modelUri).toBe(job.output_model_uri);
    expect(payload.clientMutationId).toBe('m-1');
    expect(payload.evaluation?.status).toBe('QUEUED');
    expect(payload.evaluation?.job?.jobId).toBe(job.job_id);
    expect(payload.evaluation?.benchmarks.map((b) => b.name)).toEqual(['mmlu', 'custom-acme-support']);
    expect(stack.calls('POST /evaluations')).toBe(1);
  });

  it('lets a caller with evaluate but not view submit: the pre-check steps aside, the coordinator decides', async () => {
    const job = byStatus('COMPLETED');
    const input = { jobId: job.job_id, modelUri: job.output_model_uri, benchmarks: [{ name: 'mmlu' }] };
    const response = await stack.run(Submit, { input }, { token: EMULATOR_KEYS.evaluateOnly });
    const payload = response.body.data?.submitEvaluation;
    expect(payload?.userErrors).toEqual([]);
    expect(payload?.evaluation?.status).toBe('QUEUED');
    expect(stack.calls('POST /evaluations')).toBe(1);
    // Reading the evaluation works with evaluate alone; its job needs view, and says so.
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('lets a viewer read evaluations (view or evaluate reads them)', async () => {
    const response = await stack.run(
      '{ evaluations(first: 3) { edges { node { evaluationId status } } } }',
      {},
      {
        token: EMULATOR_KEYS.viewer,
      },
    );
    expect(response.body.errors).toBeUndefined();
    expect((response.body.data as { evaluations: { edges: unknown[] } }).evaluations.edges).toHaveLength(3);
  });

  it('catches what the docs warn about before calling the coordinator', async () => {
    const completed = byStatus('COMPLETED');
    const training = byStatus('TRAINING');
    const cases: Array<[Record<string, unknown>, string[], string]> = [
      [{ jobId: completed.job_id, benchmarks: [] }, ['input', 'benchmarks'], 'BAD_USER_INPUT'],
      [
        { jobId: completed.job_id, benchmarks: [{ name: 'mmlu' }, { name: 'mmlu' }] },
        ['input', 'benchmarks', '1', 'name'],
        'BAD_USER_INPUT',
      ],
      [
        { jobId: completed.job_id, benchmarks: [{ name: 'custom-x' }] },
        ['input', 'benchmarks', '0', 'dataset'],
        'BAD_USER_INPUT',
      ],
      [
        { jobId: completed.job_id, benchmarks: [{ name: 'mmlu', numSamples: 0 }] },
        ['input', 'benchmarks', '0', 'numSamples'],
        'BAD_USER_INPUT',
      ],
      [{ jobId: training.job_id, benchmarks: [{ name: 'mmlu' }] }, ['input', 'jobId'], 'CONFLICT'],
      [
        { jobId: completed.job_id, checkpointId: 'ckpt_nope', benchmarks: [{ name: 'mmlu' }] },
        ['input', 'checkpointId'],
        'BAD_USER_INPUT',
      ],
      [{ jobId: 'job_00000000', benchmarks: [{ name: 'mmlu' }] }, ['input', 'jobId'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const payload = dataOf(await stack.run(Submit, { input: input as never })).submitEvaluation;
      expect(payload.evaluation).toBeNull();
      expect(payload.userErrors).toHaveLength(1);
      expect(payload.userErrors[0]).toMatchObject({ field, code });
      expect(payload.userErrors[0]?.message.length).toBeGreaterThan(10);
    }
    expect(stack.calls('POST /evaluations')).toBe(0);
  });

  it('evaluates a checkpoint of a job that is still training', async () => {
    const training = jobs.find((job) => job.status === 'TRAINING' && job.checkpoints?.length);
    if (!training?.checkpoints?.[0]) throw new Error('seed has no training job with checkpoints');
    const payload = dataOf(
      await stack.run(Submit, {
        input: {
          jobId: training.job_id,
          checkpointId: training.checkpoints[0].checkpoint_id,
          benchmarks: [{ name: 'gsm8k' }],
        },
      }),
    ).submitEvaluation;
    expect(payload.userErrors).toEqual([]);
    expect(payload.evaluation?.evaluationId).toMatch(/^eval_/);
  });

  it('turns the coordinator’s field-level rejection into a userError with the input path', async () => {
    const payload = dataOf(
      await stack.run(Submit, {
        input: { jobId: byStatus('COMPLETED').job_id, benchmarks: [{ name: 'no-such-benchmark' }] },
      }),
    ).submitEvaluation;
    expect(payload.evaluation).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'benchmarks', '0', 'name'], code: 'BAD_USER_INPUT' }),
    ]);
    expect(stack.calls('POST /evaluations')).toBe(1);
  });

  it('warns, but submits, when temperature is not pinned to 0', async () => {
    const payload = dataOf(
      await stack.run(Submit, {
        input: {
          jobId: byStatus('COMPLETED').job_id,
          modelUri: byStatus('COMPLETED').output_model_uri,
          benchmarks: [
            {
              name: 'custom-acme-support',
              dataset: 'scaidrive://acme/eval/support-testset.jsonl',
              parameters: [{ key: 'temperature', value: '0.7' }],
            },
          ],
        },
      }),
    ).submitEvaluation;
    expect(payload.userErrors).toEqual([]);
    expect(payload.evaluation).not.toBeNull();
    expect(payload.warnings).toEqual([
      expect.objectContaining({ field: ['input', 'benchmarks', '0', 'parameters', 'temperature'] }),
    ]);
  });

  it('is idempotent under an idempotencyKey: same input → same evaluation, one POST; other input → userError', async () => {
    const input = { jobId: byStatus('COMPLETED').job_id, benchmarks: [{ name: 'arc' }], idempotencyKey: 'key-1' };
    const [a, b] = await Promise.all([stack.run(Submit, { input }), stack.run(Submit, { input })]);
    const c = await stack.run(Submit, { input });
    const ids = [a, b, c].map((response) => dataOf(response).submitEvaluation.evaluation?.evaluationId);
    expect(ids[0]).toMatch(/^eval_/);
    expect(new Set(ids).size).toBe(1);
    expect(stack.calls('POST /evaluations')).toBe(1);

    const changed = dataOf(await stack.run(Submit, { input: { ...input, benchmarks: [{ name: 'hellaswag' }] } }));
    expect(changed.submitEvaluation.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }),
    ]);
    // Keys are per credential: another tenant's identical key is a different key.
    expect(stack.calls('POST /evaluations')).toBe(1);
  });

  it('reports a forbidden submit as a FORBIDDEN error, not a userError', async () => {
    const response = await stack.run(
      Submit,
      { input: { jobId: byStatus('COMPLETED').job_id, benchmarks: [{ name: 'mmlu' }] } },
      { token: EMULATOR_KEYS.viewer },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cancels a running job, and reports cancelling a finished one as a CONFLICT userError', async () => {
    const running = byStatus('TRAINING');
    const cancelled = dataOf(
      await stack.run(Cancel, { input: { id: running.job_id, reason: 'test' } }),
    ).cancelTrainingJob;
    expect(cancelled.userErrors).toEqual([]);
    expect(cancelled.trainingJob?.status).toBe('CANCELLED');

    const again = dataOf(await stack.run(Cancel, { input: { id: running.job_id } })).cancelTrainingJob;
    expect(again.trainingJob).toBeNull();
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);

    const missing = dataOf(await stack.run(Cancel, { input: { id: 'job_00000000' } })).cancelTrainingJob;
    expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
  });

  it('pauses, resumes and retries jobs as their state allows', async () => {
    const running = byStatus('TRAINING');
    const paused = dataOf(
      await stack.run(Pause, { input: { id: running.job_id, saveCheckpoint: true } }),
    ).pauseTrainingJob;
    expect(paused.trainingJob?.status).toBe('PAUSED');
    const resumed = dataOf(await stack.run(Resume, { input: { id: running.job_id } })).resumeTrainingJob;
    expect(resumed.trainingJob?.status).toBe('SCHEDULING');

    const completed = byStatus('COMPLETED');
    const pauseDone = dataOf(await stack.run(Pause, { input: { id: completed.job_id } })).pauseTrainingJob;
    expect(pauseDone.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);

    const failed = byStatus('FAILED');
    const retried = dataOf(await stack.run(Retry, { input: { id: failed.job_id } })).retryTrainingJob;
    expect(retried.userErrors).toEqual([]);
    expect(retried.trainingJob?.status).toBe('QUEUED');
  });
});
