import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/coordinator/domain.js';
import * as wire from '../src/coordinator/wire.js';

// The same evaluation in the three result shapes the emulator (and real coordinator versions) send.
const SPECS = [
  { name: 'mmlu', num_samples: 1000 },
  { name: 'humaneval' },
  {
    name: 'custom-acme-support',
    dataset: 'scaidrive://acme/eval/support-testset.jsonl',
    parameters: { max_new_tokens: '256', temperature: '0.0' },
  },
];

const LIST_SHAPE = {
  evaluation_id: 'eval_51c0',
  job_id: 'job_abc123',
  model_uri: 'scaidrive://acme/models/support-v3/',
  checkpoint_id: '',
  status: 'COMPLETED',
  benchmarks: SPECS,
  results: [
    { benchmark: 'mmlu', status: 'COMPLETED', score: 0.712, metrics: { accuracy: 0.712 }, num_samples: 1000 },
    { benchmark: 'humaneval', status: 'COMPLETED', score: 0.5, metrics: { pass_at_1: 0.5 }, num_samples: 164 },
    {
      benchmark: 'custom-acme-support',
      status: 'COMPLETED',
      score: 0.8,
      metrics: { accuracy: 0.8, f1: 0.75 },
      num_samples: 200,
    },
  ],
  created_at: '2026-11-27T09:00:00Z',
  started_at: '2026-11-27T09:01:00Z',
  completed_at: '2026-11-27T09:30:00Z',
  message: '',
};

const MAP_SHAPE = {
  ...LIST_SHAPE,
  results: {
    mmlu: { status: 'COMPLETED', score: 0.712, metrics: { accuracy: 0.712 }, num_samples: 1000 },
    humaneval: { status: 'COMPLETED', score: 0.5, metrics: { pass_at_1: 0.5 }, num_samples: 164 },
    'custom-acme-support': { status: 'COMPLETED', score: 0.8, metrics: { accuracy: 0.8, f1: 0.75 }, num_samples: 200 },
  },
};

const LEGACY_SHAPE = {
  id: 'eval_51c0',
  job_id: 'job_abc123',
  model_uri: 'scaidrive://acme/models/support-v3/',
  checkpoint_id: '',
  status: 10,
  benchmarks: SPECS,
  benchmark_results: [
    { benchmark: 'mmlu', status: 10, value: '0.712', metrics: { accuracy: '0.712' }, num_samples: '1000' },
    { benchmark: 'humaneval', status: 10, value: '0.5', metrics: { pass_at_1: '0.5' }, num_samples: '164' },
    {
      benchmark: 'custom-acme-support',
      status: 10,
      value: '0.8',
      metrics: { accuracy: '0.8', f1: '0.75' },
      num_samples: '200',
    },
  ],
  created_at: { seconds: 1795770000, nanos: 0 },
  started_at: { seconds: '1795770060', nanos: 0 },
  completed_at: { seconds: 1795771800, nanos: 0 },
  message: '',
};

const EXPECTED_BENCHMARKS: Array<Omit<BenchmarkResult, 'raw'>> = [
  {
    name: 'mmlu',
    dataset: null,
    numSamples: 1000,
    parameters: {},
    status: 'COMPLETED',
    rawStatus: 'COMPLETED',
    score: 0.712,
    metrics: { accuracy: 0.712 },
  },
  {
    name: 'humaneval',
    dataset: null,
    numSamples: 164,
    parameters: {},
    status: 'COMPLETED',
    rawStatus: 'COMPLETED',
    score: 0.5,
    metrics: { pass_at_1: 0.5 },
  },
  {
    name: 'custom-acme-support',
    dataset: 'scaidrive://acme/eval/support-testset.jsonl',
    numSamples: 200,
    parameters: { max_new_tokens: '256', temperature: '0.0' },
    status: 'COMPLETED',
    rawStatus: 'COMPLETED',
    score: 0.8,
    metrics: { accuracy: 0.8, f1: 0.75 },
  },
];

/** Benchmarks without `raw` (which by design differs per wire shape) and without `rawStatus`. */
function comparable(benchmarks: BenchmarkResult[]) {
  return benchmarks.map(({ raw: _raw, rawStatus: _rawStatus, ...rest }) => rest);
}

const withoutRawStatus = EXPECTED_BENCHMARKS.map(({ rawStatus: _r, ...rest }) => rest);

describe('evaluation result shapes', () => {
  it('list shape: results as a list with score and numeric metrics', () => {
    const evaluation = wire.normalizeEvaluation(LIST_SHAPE);
    expect(evaluation.benchmarks.map(({ raw: _raw, ...b }) => b)).toEqual(EXPECTED_BENCHMARKS);
    expect(evaluation.evaluationId).toBe('eval_51c0');
    expect(evaluation.status).toBe('COMPLETED');
  });

  it('map shape: results keyed by benchmark name give the same benchmarks', () => {
    expect(wire.normalizeEvaluation(MAP_SHAPE).benchmarks.map(({ raw: _raw, ...b }) => b)).toEqual(EXPECTED_BENCHMARKS);
  });

  it('legacy shape: benchmark_results, value as string, string metrics, enum numbers give the same benchmarks', () => {
    const legacy = wire.normalizeEvaluation(LEGACY_SHAPE);
    expect(comparable(legacy.benchmarks)).toEqual(withoutRawStatus);
    expect(legacy.benchmarks.map((b) => b.rawStatus)).toEqual(['10', '10', '10']);
  });

  it('all three shapes normalise to the same evaluation apart from raw and rawStatus', () => {
    const strip = (e: ReturnType<typeof wire.normalizeEvaluation>) => ({
      ...e,
      raw: undefined,
      rawStatus: undefined,
      benchmarks: comparable(e.benchmarks),
    });
    const list = strip(wire.normalizeEvaluation(LIST_SHAPE));
    expect(strip(wire.normalizeEvaluation(MAP_SHAPE))).toEqual(list);
    expect(strip(wire.normalizeEvaluation(LEGACY_SHAPE))).toEqual(list);
    expect(list).toMatchObject({
      evaluationId: 'eval_51c0',
      jobId: 'job_abc123',
      checkpointId: null,
      createdAt: '2026-11-27T09:00:00.000Z',
      startedAt: '2026-11-27T09:01:00.000Z',
      completedAt: '2026-11-27T09:30:00.000Z',
    });
  });

  it('a map value that is a bare number is the score', () => {
    const [b] = wire.normalizeBenchmarks([{ name: 'mmlu' }], { mmlu: '0.7' });
    expect(b).toMatchObject({ name: 'mmlu', score: 0.7, status: 'UNKNOWN' });
  });
});

describe('score variants', () => {
  it('uses score, then value, then a lone metric', () => {
    const benchmarks = wire.normalizeBenchmarks(
      [],
      [
        { benchmark: 'a', score: 0.1, value: 0.9 },
        { benchmark: 'b', value: '0.2' },
        { benchmark: 'c', metrics: { accuracy: 0.3 } },
      ],
    );
    expect(benchmarks.map((b) => b.score)).toEqual([0.1, 0.2, 0.3]);
  });

  it('leaves the score null when several metrics and no explicit score exist', () => {
    const [b] = wire.normalizeBenchmarks([], [{ benchmark: 'a', metrics: { accuracy: 0.3, f1: 0.4 } }]);
    expect(b?.score).toBeNull();
    expect(b?.metrics).toEqual({ accuracy: 0.3, f1: 0.4 });
  });
});

describe('benchmark merge', () => {
  it('keeps spec order, appends results without a spec, and leaves status null until a result exists', () => {
    const benchmarks = wire.normalizeBenchmarks(
      [{ name: 'mmlu', num_samples: 1000 }, { name: 'gsm8k' }],
      [
        { benchmark: 'extra', status: 'COMPLETED', score: 0.4 },
        { benchmark: 'mmlu', status: 'EVALUATING' },
      ],
    );
    expect(benchmarks.map((b) => b.name)).toEqual(['mmlu', 'gsm8k', 'extra']);
    expect(benchmarks[0]).toMatchObject({ status: 'EVALUATING', numSamples: 1000, score: null });
    expect(benchmarks[1]).toMatchObject({ status: null, rawStatus: null, score: null, metrics: {} });
    expect(benchmarks[2]).toMatchObject({ status: 'COMPLETED', score: 0.4, dataset: null, parameters: {} });
  });

  it('drops non-numeric metrics instead of producing NaN', () => {
    const [b] = wire.normalizeBenchmarks([], [{ benchmark: 'a', metrics: { accuracy: 'n/a', f1: '0.5', nested: {} } }]);
    expect(b?.metrics).toEqual({ f1: 0.5 });
  });
});

describe('ids', () => {
  it('accepts evaluation_id', () => {
    expect(wire.normalizeEvaluation({ evaluation_id: 'eval_1', job_id: 'job_1' })).toMatchObject({
      evaluationId: 'eval_1',
      jobId: 'job_1',
    });
  });

  it('accepts id', () => {
    expect(wire.normalizeEvaluation({ id: 'eval_2', job_id: 'job_1' })).toMatchObject({
      evaluationId: 'eval_2',
      jobId: 'job_1',
    });
  });

  it('reads a workload record: job_id is its own id, the evaluated job is labels.parent_job_id', () => {
    const item = { job_id: 'eval_9', status: 'QUEUED', labels: { type: 'evaluation', parent_job_id: 'job_abc' } };
    expect(wire.normalizeEvaluation(item)).toMatchObject({ evaluationId: 'eval_9', jobId: 'job_abc' });
    // Even where the coordinator adds the evaluation id, job_id of a workload is never the parent.
    expect(wire.normalizeEvaluation({ ...item, evaluation_id: 'eval_9' })).toMatchObject({
      evaluationId: 'eval_9',
      jobId: 'job_abc',
    });
  });

  it('treats job_id as the evaluation id on job-shaped list items and takes the evaluated job from labels', () => {
    const evaluation = wire.normalizeEvaluation({
      job_id: 'job_eval_9',
      name: 'eval-support-lora-v3-mmlu',
      status: 'QUEUED',
      labels: { type: 'evaluation', job_id: 'job_abc123' },
    });
    expect(evaluation).toMatchObject({ evaluationId: 'job_eval_9', jobId: 'job_abc123' });
  });

  it('falls back to the requested id when the reply carries none', () => {
    expect(wire.normalizeEvaluation({ status: 'QUEUED' }, 'eval_asked').evaluationId).toBe('eval_asked');
    expect(wire.normalizeJob({ status: 'QUEUED' }, 'job_asked').jobId).toBe('job_asked');
  });

  it('reads the submit reply id from evaluation_id or id', () => {
    expect(wire.normalizeSubmittedEvaluation({ evaluation_id: 'eval_1', status: 'QUEUED' })).toEqual({
      evaluationId: 'eval_1',
      status: 'QUEUED',
      rawStatus: 'QUEUED',
    });
    expect(wire.normalizeSubmittedEvaluation({ id: 'eval_2', status: 2 })).toEqual({
      evaluationId: 'eval_2',
      status: 'QUEUED',
      rawStatus: '2',
    });
  });
});

const FULL_JOB = {
  job_id: 'job_7f3a9c2e',
  name: 'support-lora-v3',
  status: 'TRAINING',
  labels: { team: 'support' },
  training_config: {
    training_type: 'LORA',
    base_model: { model_id: 'meta-llama/Llama-3.1-8B' },
    framework: { type: 'HF_TRAINER', config: {} },
    hyperparameters: { learning_rate: '2e-4' },
    priority: 5,
    max_retries: 2,
  },
  data_config: { sources: [{ path: 'scaidrive://acme/data/support.jsonl' }] },
  resource_config: { gpu_count: 8, gpu_type: 'H100' },
  progress: { current_step: 1200, total_steps: 5000, epoch: 1 },
  queue_position: 0,
  checkpoints: [
    {
      checkpoint_id: 'ckpt_01',
      step: 1000,
      epoch: 1,
      uri: 'scaidrive://acme/ckpt/01/',
      created_at: '2026-11-27T10:00:00Z',
    },
  ],
  output_model_uri: 'scaidrive://acme/models/support-v3/',
  message: '',
  created_at: '2026-11-27T09:00:00Z',
  updated_at: '2026-11-27T10:05:00Z',
  started_at: '2026-11-27T09:02:00Z',
  completed_at: null,
};

describe('jobs', () => {
  it('normalises the contract example', () => {
    expect(wire.normalizeJob(FULL_JOB)).toEqual({
      jobId: 'job_7f3a9c2e',
      name: 'support-lora-v3',
      status: 'TRAINING',
      rawStatus: 'TRAINING',
      labels: { team: 'support' },
      trainingType: 'LORA',
      // The documented object's type; it used to come out null for a real coordinator.
      framework: 'HF_TRAINER',
      baseModel: 'meta-llama/Llama-3.1-8B',
      priority: 5,
      gpuCount: 8,
      gpuType: 'H100',
      dataSources: ['scaidrive://acme/data/support.jsonl'],
      progress: { currentStep: 1200, totalSteps: 5000, epoch: 1 },
      queuePosition: 0,
      checkpoints: [
        {
          checkpointId: 'ckpt_01',
          jobId: 'job_7f3a9c2e',
          step: 1000,
          epoch: 1,
          uri: 'scaidrive://acme/ckpt/01/',
          createdAt: '2026-11-27T10:00:00.000Z',
        },
      ],
      checkpointsListed: true,
      outputModelUri: 'scaidrive://acme/models/support-v3/',
      message: null,
      maxRetries: 2,
      createdAt: '2026-11-27T09:00:00.000Z',
      updatedAt: '2026-11-27T10:05:00.000Z',
      startedAt: '2026-11-27T09:02:00.000Z',
      completedAt: null,
      raw: FULL_JOB,
    });
  });

  it('reads the framework as the documented object or as a bare enum name (older coordinators)', () => {
    const object = { type: 'CUSTOM', config: { a: 'b' }, custom_script_path: 'scaidrive://acme/s.py' };
    expect(wire.normalizeJob({ job_id: 'j', training_config: { framework: object } }).framework).toBe('CUSTOM');
    expect(wire.normalizeJob({ job_id: 'j', training_config: { framework: 'FSDP' } }).framework).toBe('FSDP');
  });

  it('reads max_retries and priority from training_config, else from the top level (older records)', () => {
    const documented = wire.normalizeJob({
      job_id: 'j',
      training_config: { priority: 7, max_retries: 3 },
      max_retries: 9,
    });
    expect(documented).toMatchObject({ priority: 7, maxRetries: 3 });
    expect(wire.normalizeJob({ job_id: 'j', priority: '4', max_retries: '1' })).toMatchObject({
      priority: 4,
      maxRetries: 1,
    });
  });

  it('tells a record without a checkpoints list from one with an empty list', () => {
    expect(wire.normalizeJob({ job_id: 'j' }).checkpointsListed).toBe(false);
    expect(wire.normalizeJob({ job_id: 'j', checkpoints: [] }).checkpointsListed).toBe(true);
  });

  it('accepts numbers sent as strings', () => {
    const job = wire.normalizeJob({
      job_id: 'job_1',
      progress: { current_step: '1200', total_steps: '5000', epoch: '1' },
      queue_position: '3',
      resource_config: { gpu_count: '8' },
      training_config: { priority: '5' },
      checkpoints: [{ checkpoint_id: 'c', step: '1000' }],
    });
    expect(job.progress).toEqual({ currentStep: 1200, totalSteps: 5000, epoch: 1 });
    expect(job.queuePosition).toBe(3);
    expect(job.gpuCount).toBe(8);
    expect(job.priority).toBe(5);
    expect(job.checkpoints[0]?.step).toBe(1000);
  });

  it('maps status enum numbers per the proto numbering (index in JOB_STATUSES + 1)', () => {
    expect(wire.normalizeJob({ job_id: 'j', status: 1 })).toMatchObject({ status: 'PENDING', rawStatus: '1' });
    expect(wire.normalizeJob({ job_id: 'j', status: 5 })).toMatchObject({ status: 'TRAINING', rawStatus: '5' });
    expect(wire.normalizeJob({ job_id: 'j', status: 13 })).toMatchObject({ status: 'PREEMPTED', rawStatus: '13' });
    expect(wire.normalizeJob({ job_id: 'j', status: '10' })).toMatchObject({ status: 'COMPLETED', rawStatus: '10' });
  });

  it('shows 0 (unspecified) and out-of-range enum numbers as UNKNOWN with the raw value kept', () => {
    expect(wire.normalizeJob({ job_id: 'j', status: 0 })).toMatchObject({ status: 'UNKNOWN', rawStatus: '0' });
    expect(wire.normalizeJob({ job_id: 'j', status: 42 })).toMatchObject({ status: 'UNKNOWN', rawStatus: '42' });
  });

  it('shows an unknown status name as UNKNOWN with the raw value kept', () => {
    expect(wire.normalizeJob({ job_id: 'j', status: 'WARMING_UP' })).toMatchObject({
      status: 'UNKNOWN',
      rawStatus: 'WARMING_UP',
    });
    expect(wire.normalizeEvaluation({ evaluation_id: 'e', status: 'SCORING' })).toMatchObject({
      status: 'UNKNOWN',
      rawStatus: 'SCORING',
    });
  });

  it('accepts proto-prefixed enum names', () => {
    expect(wire.normalizeJob({ job_id: 'j', status: 'JOB_STATUS_TRAINING' }).status).toBe('TRAINING');
  });

  it('ignores unknown extra fields', () => {
    const job = wire.normalizeJob({ ...FULL_JOB, shiny_new_field: { deeply: ['nested'] }, status_v2: 99 });
    expect(job.status).toBe('TRAINING');
    expect(Object.keys(job)).not.toContain('shiny_new_field');
    expect(job.raw).toMatchObject({ shiny_new_field: { deeply: ['nested'] } });
  });

  it('turns missing optional fields into null and empty collections, without crashing', () => {
    expect(wire.normalizeJob({ job_id: 'job_min' })).toEqual({
      jobId: 'job_min',
      name: null,
      status: 'UNKNOWN',
      rawStatus: '',
      labels: {},
      trainingType: null,
      framework: null,
      baseModel: null,
      priority: null,
      gpuCount: null,
      gpuType: null,
      dataSources: [],
      progress: null,
      queuePosition: null,
      checkpoints: [],
      checkpointsListed: false,
      outputModelUri: null,
      message: null,
      maxRetries: null,
      createdAt: null,
      updatedAt: null,
      startedAt: null,
      completedAt: null,
      raw: { job_id: 'job_min' },
    });
    const evaluation = wire.normalizeEvaluation({ evaluation_id: 'eval_min' });
    expect(evaluation).toMatchObject({
      evaluationId: 'eval_min',
      jobId: null,
      modelUri: null,
      checkpointId: null,
      benchmarks: [],
      createdAt: null,
      message: null,
    });
  });

  it('survives fields of the wrong type and non-object input', () => {
    const job = wire.normalizeJob({
      job_id: 'j',
      labels: 'oops',
      progress: [1, 2],
      checkpoints: { not: 'a list' },
      training_config: 7,
      created_at: 'not a date',
    });
    expect(job).toMatchObject({ labels: {}, progress: null, checkpoints: [], trainingType: null, createdAt: null });
    expect(wire.normalizeJob(null).jobId).toBe('');
    expect(wire.normalizeEvaluation('garbage').benchmarks).toEqual([]);
    expect(wire.normalizeJobPage(undefined)).toEqual({ items: [], nextPageToken: null, totalCount: null });
  });

  it('keeps map values as strings', () => {
    const job = wire.normalizeJob({
      job_id: 'j',
      labels: { team: 'support', replicas: 3, prod: true, nested: { x: 1 } },
    });
    expect(job.labels).toEqual({ team: 'support', replicas: '3', prod: 'true' });
    const [b] = wire.normalizeBenchmarks([{ name: 'custom-x', parameters: { temperature: 0, top_k: '5' } }], []);
    expect(b?.parameters).toEqual({ temperature: '0', top_k: '5' });
  });

  it('gives every checkpoint the id of its parent job', () => {
    const job = wire.normalizeJob({ job_id: 'job_p', checkpoints: [{ checkpoint_id: 'c1' }, { checkpoint_id: 'c2' }] });
    expect(job.checkpoints.map((c) => c.jobId)).toEqual(['job_p', 'job_p']);
  });
});

describe('timestamps', () => {
  it('normalises {seconds, nanos} to ISO with millisecond precision', () => {
    expect(wire.toTimestamp({ seconds: 1795770000, nanos: 0 })).toBe('2026-11-27T09:00:00.000Z');
    expect(wire.toTimestamp({ seconds: '1795770000', nanos: 123_456_789 })).toBe('2026-11-27T09:00:00.123Z');
    expect(wire.toTimestamp({ seconds: 1795770000 })).toBe('2026-11-27T09:00:00.000Z');
  });

  it('normalises RFC 3339 strings (offsets, no fraction, extra precision) to the same ISO form', () => {
    expect(wire.toTimestamp('2026-11-27T09:00:00Z')).toBe('2026-11-27T09:00:00.000Z');
    expect(wire.toTimestamp('2026-11-27T10:00:00+01:00')).toBe('2026-11-27T09:00:00.000Z');
    expect(wire.toTimestamp('2026-11-27T09:00:00.123456Z')).toBe('2026-11-27T09:00:00.123Z');
    expect(wire.toTimestamp('2026-11-27T09:00:00.000Z')).toBe('2026-11-27T09:00:00.000Z');
  });

  it('turns empty, missing or unparseable timestamps into null', () => {
    expect(wire.toTimestamp('')).toBeNull();
    expect(wire.toTimestamp(null)).toBeNull();
    expect(wire.toTimestamp(undefined)).toBeNull();
    expect(wire.toTimestamp('yesterday')).toBeNull();
    expect(wire.toTimestamp({ nanos: 5 })).toBeNull();
    expect(wire.toTimestamp({ seconds: 1e20 })).toBeNull();
  });
});

describe('lists', () => {
  const jobs = [{ job_id: 'job_1' }, { job_id: 'job_2' }];

  it('reads items under "jobs"', () => {
    const page = wire.normalizeJobPage({ jobs, next_page_token: 'tok', total_count: 12 });
    expect(page.items.map((j) => j.jobId)).toEqual(['job_1', 'job_2']);
    expect(page).toMatchObject({ nextPageToken: 'tok', totalCount: 12 });
  });

  it('reads items under "evaluations"', () => {
    const page = wire.normalizeEvaluationPage({ evaluations: [{ evaluation_id: 'e1' }], total_count: '1' });
    expect(page.items.map((e) => e.evaluationId)).toEqual(['e1']);
    expect(page.totalCount).toBe(1);
  });

  it('reads evaluation list items under "jobs" (ListJobs with a type=evaluation filter)', () => {
    const page = wire.normalizeEvaluationPage({
      jobs: [{ job_id: 'job_ev1', labels: { type: 'evaluation', job_id: 'job_1' }, status: 'QUEUED' }],
    });
    expect(page.items[0]).toMatchObject({ evaluationId: 'job_ev1', jobId: 'job_1', status: 'QUEUED' });
  });

  it.each([
    ['missing', {}],
    ['null', { next_page_token: null }],
    ['empty', { next_page_token: '' }],
  ])('treats a %s next_page_token as the last page', (_label, extra) => {
    expect(wire.normalizeJobPage({ jobs, ...extra }).nextPageToken).toBeNull();
  });

  it('skips list items that are not objects', () => {
    expect(wire.normalizeJobPage({ jobs: [null, 'x', { job_id: 'job_1' }] }).items.map((j) => j.jobId)).toEqual([
      'job_1',
    ]);
  });
});

describe('metrics, queue, data validation', () => {
  it('normalises job metrics to numbers', () => {
    const reply = {
      job_id: 'job_1',
      step: '1200',
      metrics: { loss: 1.23, learning_rate: '0.0002', tokens_per_second: 5400 },
      recorded_at: '2026-11-27T10:00:00Z',
    };
    expect(wire.normalizeJobMetrics(reply)).toEqual({
      jobId: 'job_1',
      step: 1200,
      values: { loss: 1.23, learning_rate: 0.0002, tokens_per_second: 5400 },
      recordedAt: '2026-11-27T10:00:00.000Z',
      raw: reply,
    });
  });

  it('normalises the queue', () => {
    const reply = { depth: 3, by_status: { PENDING: 1, QUEUED: '2' }, jobs: [] };
    expect(wire.normalizeQueue(reply)).toEqual({
      depth: 3,
      byStatus: { PENDING: 1, QUEUED: 2 },
      entries: [],
      raw: reply,
    });
    expect(wire.normalizeQueue({ jobs: [{}, {}] }).depth).toBe(2);
  });

  it('normalises data validation results', () => {
    expect(
      wire.normalizeDataValidation({
        results: [
          { uri: 'scaidrive://acme/a.jsonl', ok: true, message: '' },
          { uri: 'scaidrive://acme/missing/b.jsonl', ok: false, message: 'not found' },
        ],
      }),
    ).toEqual([
      { uri: 'scaidrive://acme/a.jsonl', ok: true, message: null },
      { uri: 'scaidrive://acme/missing/b.jsonl', ok: false, message: 'not found' },
    ]);
  });
});

describe('timestamp fast path', () => {
  it('agrees with Date for valid second- and millisecond-precision UTC strings', () => {
    for (const s of [
      '2024-02-29T23:59:59Z',
      '2026-12-31T00:00:00Z',
      '2026-01-01T12:34:56.789Z',
      '0999-05-05T05:05:05Z',
    ]) {
      expect(wire.toTimestamp(s)).toBe(new Date(s).toISOString());
    }
  });

  it('leaves dates it cannot vouch for to Date (same result as the slow path)', () => {
    const slow = (s: string) => {
      const ms = Date.parse(s);
      return Number.isNaN(ms) ? null : new Date(ms).toISOString();
    };
    for (const s of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-27T24:00:00.000Z',
      '2026-11-27T09:00:00+02:00',
    ]) {
      expect(wire.toTimestamp(s)).toBe(slow(s));
    }
  });
});
