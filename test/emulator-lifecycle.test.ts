import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JOB_STATUSES, TERMINAL_STATUSES } from '../src/coordinator/domain.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { call, jobNamed } from './support/emulator-http.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ speed: 0 });
});
beforeEach(() => {
  emulator.reset();
});
afterAll(async () => {
  await emulator.close();
});

const CUSTOM = {
  name: 'custom-acme-support',
  dataset: 'scaidrive://acme/eval/support-testset.jsonl',
  parameters: { max_new_tokens: '256', temperature: '0.0' },
};

async function submitJob(
  labels: Record<string, string> = {},
  extra: Record<string, unknown> = {},
  training: Record<string, unknown> = {},
) {
  const reply = await call(emulator, 'POST', '/jobs', {
    body: {
      name: 'lifecycle-lora-v1',
      labels: { team: 'qa', ...labels },
      training_config: { training_type: 'LORA', base_model: { model_id: 'meta-llama/Llama-3.1-8B' }, ...training },
      data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
      resource_config: { gpu_count: 2, gpu_type: 'H100' },
      ...extra,
    },
  });
  expect(reply.status).toBe(201);
  return reply.body.data.job_id as string;
}

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
async function getJob(jobId: string): Promise<any> {
  return (await call(emulator, 'GET', `/jobs/${jobId}`)).body.data;
}

/** Advances the clock in steps, recording each distinct job status, until `until` or a time limit. */
async function runUntil(jobId: string, until: (status: string) => boolean, stepMs = 2_000, limitMs = 15 * 60_000) {
  const seen: string[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
  const samples: any[] = [];
  for (let elapsed = 0; elapsed <= limitMs; elapsed += stepMs) {
    const job = await getJob(jobId);
    samples.push(job);
    if (seen.at(-1) !== job.status) seen.push(job.status);
    if (until(job.status)) return { seen, samples, elapsed };
    emulator.advance(stepMs);
  }
  throw new Error(`job did not get there; saw ${seen.join(' → ')}`);
}

describe('training job lifecycle', () => {
  it('takes a submitted job through every running state to COMPLETED with checkpoints', async () => {
    const submit = await call(emulator, 'POST', '/jobs', {
      body: {
        name: 'support-lora-v9',
        labels: { 'emulator-outcome': 'complete' },
        training_config: { training_type: 'LORA' },
        data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
      },
    });
    expect(submit.status).toBe(201);
    expect(submit.body.data).toMatchObject({ status: 'PENDING', message: expect.any(String) });
    expect(submit.body.data.job_id).toMatch(/^job_[0-9a-f]{8}$/);
    expect(submit.body.data.estimated_wait_seconds).toBeGreaterThan(0);

    const { seen, samples, elapsed } = await runUntil(submit.body.data.job_id, (s) => s === 'COMPLETED');
    // Every state of the contract before the end but the interruptions (pause, pre-emption).
    const path = JOB_STATUSES.filter((s) => s !== 'PAUSED' && s !== 'PREEMPTED' && !TERMINAL_STATUSES.has(s));
    expect(path).toHaveLength(8);
    expect(seen).toEqual(expect.arrayContaining(path));
    expect(seen.indexOf('QUEUED')).toBeLessThan(seen.indexOf('TRAINING'));
    expect(seen.at(-1)).toBe('COMPLETED');
    // About 3-5 minutes at speed 1.
    expect(elapsed).toBeGreaterThan(150_000);
    expect(elapsed).toBeLessThan(330_000);
    expect(samples.filter((j) => j.status === 'QUEUED').every((j) => j.queue_position > 0)).toBe(true);
    const steps = samples.filter((j) => j.status === 'TRAINING').map((j) => j.progress.current_step);
    expect(steps.length).toBeGreaterThan(3);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);

    const done = samples.at(-1);
    expect(done.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(done.checkpoints[0]).toMatchObject({
      checkpoint_id: expect.any(String),
      step: expect.any(Number),
      epoch: expect.any(Number),
      uri: expect.stringMatching(/^scaidrive:\/\/acme\//),
      created_at: expect.any(String),
    });
    expect(done.output_model_uri).toMatch(/^scaidrive:\/\/acme\/models\/support-lora-v9\//);
    expect(done.completed_at).not.toBeNull();
    expect(done.progress.current_step).toBe(done.progress.total_steps);
  });

  it('takes the documented body: framework object, priority and max_retries in training_config', async () => {
    const framework = { type: 'DEEPSPEED', config: { zero_stage: '3' }, distributed: { world_size: 2 } };
    const jobId = await submitJob({}, {}, { framework, priority: 7, max_retries: 1 });
    const job = await getJob(jobId);
    expect(job.training_config).toMatchObject({
      framework: { type: 'DEEPSPEED', config: { zero_stage: '3' }, distributed: { world_size: 2 } },
      priority: 7,
      max_retries: 1,
    });
    expect(job.max_retries).toBeUndefined();
    expect(job.priority).toBeUndefined();
    const misplaced = await call(emulator, 'POST', '/jobs', {
      body: {
        name: 'misplaced',
        max_retries: 1,
        training_config: { training_type: 'LORA', base_model: { model_id: 'meta-llama/Llama-3.1-8B' } },
        data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
      },
    });
    expect(misplaced.status).toBe(422);
    expect(misplaced.body.error.details).toEqual([{ field: 'max_retries', message: expect.any(String) }]);
    const customWithoutScript = await call(emulator, 'POST', '/jobs', {
      body: {
        name: 'custom',
        training_config: {
          training_type: 'LORA',
          base_model: { model_id: 'meta-llama/Llama-3.1-8B' },
          framework: { type: 'CUSTOM' },
        },
        data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
      },
    });
    expect(customWithoutScript.status).toBe(422);
    expect(customWithoutScript.body.error.details[0].field).toBe('training_config.framework.custom_script_path');
  });

  it('re-queues a preempted job while retries remain, and fails it when they are spent', async () => {
    // max_retries sits in training_config [doc].
    const retried = await submitJob({ 'emulator-outcome': 'preempt' }, {}, { max_retries: 1 });
    const a = await runUntil(retried, (s) => s === 'COMPLETED');
    expect(a.seen.slice(a.seen.indexOf('PREEMPTED'), a.seen.indexOf('PREEMPTED') + 2)).toEqual(['PREEMPTED', 'QUEUED']);
    expect(a.samples.at(-1).retry_count).toBe(1);

    const spent = await submitJob({ 'emulator-outcome': 'preempt' }, {}, { max_retries: 0 });
    const b = await runUntil(spent, (s) => s === 'FAILED');
    expect(b.seen.slice(-2)).toEqual(['PREEMPTED', 'FAILED']);
    expect(b.samples.at(-1).message).toMatch(/max_retries/);
  });

  it('tells the same story for the same job in two emulators', async () => {
    const other = await createEmulator({ speed: 0 });
    try {
      const a = await submitJob();
      const b = (
        await call(other, 'POST', '/jobs', {
          body: {
            name: 'lifecycle-lora-v1',
            labels: { team: 'qa' },
            training_config: { training_type: 'LORA', base_model: { model_id: 'meta-llama/Llama-3.1-8B' } },
            data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
            resource_config: { gpu_count: 2, gpu_type: 'H100' },
          },
        })
      ).body.data.job_id;
      expect(b).toBe(a);
      emulator.advance(100_000);
      other.advance(100_000);
      expect((await call(other, 'GET', `/jobs/${b}`)).body.data).toEqual(await getJob(a));
    } finally {
      await other.close();
    }
  });

  it('validates a job submission with 422 details', async () => {
    const reply = await call(emulator, 'POST', '/jobs', {
      body: { labels: { team: 7 }, training_config: { training_type: 'MAGIC', hyperparameters: { lr: 0.1 } } },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(
      ['labels.team', 'name', 'training_config.hyperparameters.lr', 'training_config.training_type'].sort(),
    );
  });
});

describe('job actions', () => {
  it('cancels a running job and refuses to cancel or pause a terminal one (409)', async () => {
    const running = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const cancelled = await call(emulator, 'POST', `/jobs/${running.job_id}/cancel`, {
      body: { reason: 'wrong data' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ job_id: running.job_id, status: 'CANCELLED' });
    expect(cancelled.body.data.message).toContain('wrong data');
    expect(cancelled.body.data.checkpoints).toEqual(running.checkpoints);

    const completed = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    for (const action of ['cancel', 'pause']) {
      const reply = await call(emulator, 'POST', `/jobs/${completed.job_id}/${action}`, { body: {} });
      expect(reply.status, action).toBe(409);
      expect(reply.body.error.code).toBe('FAILED_PRECONDITION');
    }
    const unknown = await call(emulator, 'POST', '/jobs/job_00000000/cancel');
    expect(unknown.status).toBe(404);
  });

  it('pauses with a checkpoint, resumes into SCHEDULING and runs to completion', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const paused = (await call(emulator, 'POST', `/jobs/${job.job_id}/pause`, { body: { save_checkpoint: true } })).body
      .data;
    expect(paused.status).toBe('PAUSED');
    expect(paused.checkpoints).toHaveLength(job.checkpoints.length + 1);
    expect(paused.checkpoints.at(-1).step).toBe(job.progress.current_step);
    expect((await call(emulator, 'POST', `/jobs/${job.job_id}/pause`)).status).toBe(409);
    emulator.advance(60 * 60_000);
    expect((await getJob(job.job_id)).status).toBe('PAUSED');

    const resumed = await call(emulator, 'POST', `/jobs/${job.job_id}/resume`, { body: {} });
    expect(resumed.status).toBe(200);
    expect(resumed.body.data.status).toBe('SCHEDULING');
    expect((await call(emulator, 'POST', `/jobs/${job.job_id}/resume`)).status).toBe(409);
    // A seeded job that looks like it has run for an hour: its remaining run is long too.
    const { samples } = await runUntil(job.job_id, (s) => s === 'COMPLETED', 30_000, 3 * 60 * 60_000);
    // Resumed from the saved checkpoint, not from scratch.
    const trainingSteps = samples.filter((j) => j.status === 'TRAINING').map((j) => j.progress.current_step);
    expect(Math.min(...trainingSteps)).toBeGreaterThanOrEqual(job.progress.current_step);
  });

  it('refuses to pause a queued job and to resume from an unknown checkpoint', async () => {
    const queued = await jobNamed(emulator, SEEDED.queued);
    expect((await call(emulator, 'POST', `/jobs/${queued.job_id}/pause`)).status).toBe(409);
    const paused = await jobNamed(emulator, SEEDED.paused);
    const reply = await call(emulator, 'POST', `/jobs/${paused.job_id}/resume`, {
      body: { checkpoint_id: 'ckpt_nope' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^checkpoint_id: /);
    const wrongType = await call(emulator, 'POST', `/jobs/${paused.job_id}/pause`, {
      body: { save_checkpoint: 'yes' },
    });
    expect(wrongType.status).toBe(422);
  });

  it('retries a failed job from a checkpoint back to QUEUED, and refuses to retry a completed one', async () => {
    const cancelled = await jobNamed(emulator, SEEDED.cancelled);
    expect(cancelled.checkpoints.length).toBeGreaterThan(0);
    const checkpoint = cancelled.checkpoints[0];
    const retried = await call(emulator, 'POST', `/jobs/${cancelled.job_id}/retry`, {
      body: { checkpoint_id: checkpoint.checkpoint_id },
    });
    expect(retried.status).toBe(200);
    expect(retried.body.data).toMatchObject({ status: 'QUEUED', completed_at: null });
    expect(retried.body.data.queue_position).toBeGreaterThan(0);
    expect(retried.body.data.progress.current_step).toBe(checkpoint.step);

    const failed = await jobNamed(emulator, SEEDED.failed);
    expect((await call(emulator, 'POST', `/jobs/${failed.job_id}/retry`)).body.data.status).toBe('QUEUED');
    const completed = await jobNamed(emulator, SEEDED.olderCompleted);
    expect((await call(emulator, 'POST', `/jobs/${completed.job_id}/retry`)).status).toBe(409);
  });
});

describe('evaluations', () => {
  async function submitEvaluation(body: Record<string, unknown>, key: string = EMULATOR_KEYS.dev) {
    return call(emulator, 'POST', '/evaluations', { key, body });
  }

  it('fills in results one benchmark at a time and completes in about a minute', async () => {
    const job = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    const submit = await submitEvaluation(
      {
        job_id: job.job_id,
        model_uri: job.output_model_uri,
        benchmarks: [{ name: 'mmlu', num_samples: 1000 }, { name: 'humaneval' }, CUSTOM],
      },
      EMULATOR_KEYS.evaluator,
    );
    expect(submit.status).toBe(201);
    expect(submit.body.data).toEqual({ evaluation_id: expect.stringMatching(/^eval_/), status: 'QUEUED' });
    const id = submit.body.data.evaluation_id;

    const counts: number[] = [];
    let elapsed = 0;
    // biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
    let evaluation: any;
    for (;;) {
      evaluation = (await call(emulator, 'GET', `/evaluations/${id}`)).body.data;
      if (evaluation.status === 'EVALUATING') counts.push(evaluation.results.length);
      if (evaluation.status === 'COMPLETED' || elapsed > 5 * 60_000) break;
      emulator.advance(1_000);
      elapsed += 1_000;
    }
    expect(evaluation.status).toBe('COMPLETED');
    expect(elapsed).toBeGreaterThan(40_000);
    expect(elapsed).toBeLessThan(80_000);
    // Some intermediate reads had some but not all results, growing one at a time.
    expect(counts.some((n) => n > 0 && n < 3)).toBe(true);
    expect([...new Set(counts)]).toEqual([0, 1, 2]);
    expect(evaluation.model_uri).toBe(job.output_model_uri);
    expect(evaluation.checkpoint_id).toBe('');
    expect(evaluation.results.map((r: { benchmark: string }) => r.benchmark)).toEqual([
      'mmlu',
      'humaneval',
      CUSTOM.name,
    ]);
    for (const result of evaluation.results) {
      expect(result.status).toBe('COMPLETED');
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(1);
      expect(Object.keys(result.metrics).length).toBeGreaterThan(0);
    }
    expect(evaluation.results[0].num_samples).toBe(1000);
    expect(evaluation.completed_at).not.toBeNull();
  });

  it('scores the same evaluation identically in two emulators', async () => {
    const other = await createEmulator({ speed: 0 });
    try {
      const scores = async (emu: Emulator) => {
        const job = await jobNamed(emu, SEEDED.olderCompleted);
        const submit = await call(emu, 'POST', '/evaluations', {
          body: {
            job_id: job.job_id,
            model_uri: job.output_model_uri,
            benchmarks: [{ name: 'gsm8k' }, { name: 'arc' }],
          },
        });
        emu.advance(5 * 60_000);
        const evaluation = (await call(emu, 'GET', `/evaluations/${submit.body.data.evaluation_id}`)).body.data;
        return { id: evaluation.evaluation_id, results: evaluation.results };
      };
      const a = await scores(emulator);
      const b = await scores(other);
      expect(a.results).toHaveLength(2);
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
  });

  it('evaluates a checkpoint of a job that is still training', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const checkpoint = job.checkpoints[1];
    const submit = await submitEvaluation({
      job_id: job.job_id,
      checkpoint_id: checkpoint.checkpoint_id,
      model_uri: checkpoint.uri,
      benchmarks: [{ name: 'arc' }],
    });
    expect(submit.status).toBe(201);
    const evaluation = (await call(emulator, 'GET', `/evaluations/${submit.body.data.evaluation_id}`)).body.data;
    expect(evaluation).toMatchObject({
      checkpoint_id: checkpoint.checkpoint_id,
      model_uri: checkpoint.uri,
      status: 'QUEUED',
    });
  });

  it('enforces each documented submit rule', async () => {
    const completed = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    const training = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const ok = { job_id: completed.job_id, model_uri: completed.output_model_uri, benchmarks: [{ name: 'mmlu' }] };

    const unknownJob = await submitEvaluation({ ...ok, job_id: 'job_ffffffff' });
    expect(unknownJob.status).toBe(404);
    expect(unknownJob.body.error.code).toBe('NOT_FOUND');

    const notCompleted = await submitEvaluation({ ...ok, job_id: training.job_id });
    expect(notCompleted.status).toBe(409);
    expect(notCompleted.body.error.code).toBe('FAILED_PRECONDITION');

    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, checkpoint_id: 'ckpt_missing' }, 'checkpoint_id'],
      [{ ...ok, benchmarks: [] }, 'benchmarks'],
      [{ job_id: completed.job_id, model_uri: completed.output_model_uri }, 'benchmarks'],
      [{ ...ok, benchmarks: [{ name: 'mmlu' }, { name: 'bogus-bench' }] }, 'benchmarks[1].name'],
      [{ ...ok, benchmarks: [{ name: 'custom-acme-legal' }] }, 'benchmarks[0].dataset'],
      [
        { ...ok, benchmarks: [{ name: 'custom-acme-legal', dataset: 'scaidrive://globex/eval.jsonl' }] },
        'benchmarks[0].dataset',
      ],
    ];
    for (const [body, field] of cases) {
      const reply = await submitEvaluation(body);
      expect(reply.status, field).toBe(400);
      expect(reply.body.error.code).toBe('INVALID_ARGUMENT');
      expect(reply.body.error.message).toContain(field);
      // A 400 names its field only in its message [doc]; details come with 422 only.
      expect(reply.body.error.message.startsWith(`${field}: `)).toBe(true);
      expect(reply.body.error.details).toBeUndefined();
    }

    // model_uri is required [doc]: a body without it breaks the schema.
    const noModel = await submitEvaluation({ job_id: completed.job_id, benchmarks: [{ name: 'mmlu' }] });
    expect(noModel.status).toBe(422);
    expect(noModel.body.error.details).toEqual([{ field: 'model_uri', message: 'is required' }]);

    const nonString = await submitEvaluation({
      ...ok,
      benchmarks: [
        { name: 'mmlu' },
        { name: 'arc' },
        { ...CUSTOM, parameters: { max_new_tokens: '256', temperature: 0.0 } },
      ],
    });
    expect(nonString.status).toBe(422);
    expect(nonString.body.error.code).toBe('VALIDATION_ERROR');
    expect(nonString.body.error.details).toEqual([
      { field: 'benchmarks[2].parameters.temperature', message: expect.any(String) },
    ]);
  });
});

describe('result shapes', () => {
  it('serves the same evaluation as list, map and legacy', async () => {
    const job = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    const listed = (
      await call(emulator, 'GET', '/evaluations', { query: { job_id: job.job_id, order_by: 'created_at asc' } })
    ).body.data.jobs[0];
    // A listing item is a workload record whose job_id is the evaluation's own id [doc].
    const id = listed.job_id;
    const list = (await call(emulator, 'GET', `/evaluations/${id}`)).body.data;
    expect(list.results).toHaveLength(3);
    const mmlu = list.results.find((r: { benchmark: string }) => r.benchmark === 'mmlu');
    expect(mmlu).toMatchObject({ status: 'COMPLETED', score: expect.any(Number), num_samples: 1000 });
    expect(mmlu.metrics.accuracy).toBe(mmlu.score);

    emulator.setResultShape('map');
    const map = (await call(emulator, 'GET', `/evaluations/${id}`)).body.data;
    expect(map.evaluation_id).toBe(id);
    expect(Object.keys(map.results).sort()).toEqual(['custom-acme-support', 'humaneval', 'mmlu']);
    expect(map.results.mmlu).toEqual({
      status: 'COMPLETED',
      score: mmlu.score,
      metrics: mmlu.metrics,
      num_samples: 1000,
    });

    emulator.setResultShape('legacy');
    const legacy = (await call(emulator, 'GET', `/evaluations/${id}`)).body.data;
    expect(legacy.id).toBe(id);
    expect(legacy.evaluation_id).toBeUndefined();
    expect(legacy.results).toBeUndefined();
    expect(legacy.status).toBe(10);
    expect(legacy.created_at).toEqual({ seconds: Date.parse(list.created_at) / 1000, nanos: 0 });
    const legacyMmlu = legacy.benchmark_results.find((r: { benchmark: string }) => r.benchmark === 'mmlu');
    expect(legacyMmlu).toEqual({
      benchmark: 'mmlu',
      status: 10,
      value: String(mmlu.score),
      metrics: { accuracy: String(mmlu.score) },
      num_samples: '1000',
    });
    const legacyList = (await call(emulator, 'GET', '/evaluations', { query: { job_id: job.job_id } })).body.data;
    expect(legacyList.jobs.every((e: { job_id?: string }) => typeof e.job_id === 'string')).toBe(true);
    expect(legacyList.jobs.every((e: { benchmark_results?: unknown }) => Array.isArray(e.benchmark_results))).toBe(
      true,
    );

    // The HTTP control API switches it too.
    const switched = await fetch(`${emulator.origin}/_emulator/result-shape`, {
      method: 'POST',
      body: '{"shape":"list"}',
    });
    expect(switched.status).toBe(200);
    expect((await call(emulator, 'GET', `/evaluations/${id}`)).body.data).toEqual(list);
  });
});
