import { iso } from './clock.js';
import type { Drift } from './drift.js';
import type { EvaluationState, ResultState } from './evaluation-lifecycle.js';
import { type JobState, outputModelUri } from './job-lifecycle.js';
import { unitHash } from './prng.js';
import type { EvaluationRecord, FrameworkRecord, JobRecord } from './records.js';
import type { ResultShape } from './types.js';
import { statusNumber } from './vocabulary.js';

/** Wire JSON of the emulated coordinator: snake_case, RFC 3339 strings, exactly the contract's shapes. */

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function frameworkWire(framework: FrameworkRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { type: framework.type, config: { ...framework.config } };
  const { distributed } = framework;
  if (distributed !== undefined) {
    out.distributed = {
      world_size: distributed.worldSize,
      backend: distributed.backend,
      strategy: distributed.strategy,
      config: { ...distributed.config },
    };
  }
  if (framework.customScriptPath !== undefined) out.custom_script_path = framework.customScriptPath;
  return out;
}

export function jobWire(job: JobRecord, state: JobState, queuePosition: number, drift: Drift): Record<string, unknown> {
  const training: Record<string, unknown> = {
    training_type: job.trainingType,
    framework: drift.framework === 'object' ? frameworkWire(job.framework) : job.framework.type,
    base_model: { model_id: job.baseModel },
    num_epochs: job.plan.numEpochs,
    hyperparameters: { ...job.hyperparameters },
  };
  const settings = { priority: job.priority, max_retries: job.maxRetries };
  if (drift.jobSettings === 'training_config') Object.assign(training, settings);
  const out: Record<string, unknown> = {
    job_id: job.jobId,
    name: job.name,
    status: state.status,
    labels: { ...job.labels },
    training_config: training,
    data_config: { sources: job.dataSources.map((path) => ({ path })) },
    resource_config: { gpu_count: job.gpuCount, gpu_type: job.gpuType },
    environment: { ...job.environment },
    progress: { current_step: state.step, total_steps: job.plan.totalSteps, epoch: state.epoch },
    queue_position: queuePosition,
    checkpoints: state.checkpoints.map((c) => ({
      checkpoint_id: c.checkpointId,
      step: c.step,
      epoch: c.epoch,
      uri: c.uri,
      created_at: iso(c.createdAt),
    })),
    output_model_uri: state.status === 'COMPLETED' ? outputModelUri(job) : null,
    message: state.message,
    retry_count: state.retries,
    created_at: iso(job.createdAt),
    updated_at: iso(state.updatedAt),
    started_at: isoOrNull(state.startedAt),
    completed_at: isoOrNull(state.completedAt),
  };
  if (drift.jobSettings === 'top_level') Object.assign(out, settings);
  if (!drift.checkpointsList) delete out.checkpoints;
  return out;
}

/** `GET /jobs/{id}/metrics`: a deterministic function of the job and its current step. */
export function metricsWire(job: JobRecord, state: JobState): Record<string, unknown> {
  if (state.step <= 0) return { job_id: job.jobId, step: 0, metrics: {}, recorded_at: null };
  const progress = state.step / job.plan.totalSteps;
  const noise = (unitHash(job.jobId, state.step, 'loss') - 0.5) * 0.04;
  const baseLr = Number(job.hyperparameters.learning_rate ?? '2e-4') || 2e-4;
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  return {
    job_id: job.jobId,
    step: state.step,
    metrics: {
      loss: round(0.35 + 2.1 * Math.exp(-3 * progress) + noise, 4),
      // Cosine decay: what most fine-tuning recipes use.
      learning_rate: Number((baseLr * 0.5 * (1 + Math.cos(Math.PI * progress))).toPrecision(4)),
      tokens_per_second: Math.round(job.gpuCount * (600 + unitHash(job.jobId, 'tps') * 300)),
    },
    recorded_at: iso(state.updatedAt),
  };
}

function protoTimestamp(ms: number | null): { seconds: number; nanos: number } | null {
  if (ms === null) return null;
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function benchmarksWire(evaluation: EvaluationRecord): Record<string, unknown>[] {
  return evaluation.benchmarks.map((b) => {
    const out: Record<string, unknown> = { name: b.name };
    if (b.dataset !== undefined) out.dataset = b.dataset;
    if (b.numSamples !== undefined) out.num_samples = b.numSamples;
    if (b.parameters !== undefined) out.parameters = { ...b.parameters };
    return out;
  });
}

function resultList(results: readonly ResultState[]): Record<string, unknown>[] {
  return results.map((r) => ({
    benchmark: r.benchmark,
    status: r.status,
    score: r.score,
    metrics: { ...r.metrics },
    num_samples: r.numSamples,
  }));
}

function resultMap(results: readonly ResultState[]): Record<string, unknown> {
  return Object.fromEntries(
    results.map((r) => [
      r.benchmark,
      { status: r.status, score: r.score, metrics: { ...r.metrics }, num_samples: r.numSamples },
    ]),
  );
}

/** An older coordinator: proto numbers for enums, int64-as-string numbers, `{seconds, nanos}` times. */
function legacyResults(results: readonly ResultState[]): Record<string, unknown>[] {
  return results.map((r) => {
    const out: Record<string, unknown> = {
      benchmark: r.benchmark,
      status: statusNumber(r.status),
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, String(v)])),
      num_samples: String(r.numSamples),
    };
    if (r.score !== null) out.value = String(r.score);
    return out;
  });
}

/**
 * One evaluation in the configured result shape.
 * - `poll`: the reply of `GET /evaluations/{id}`, with the evaluated job under `job_id`;
 * - `workload`: a listing item as the contract has it: a job-shaped workload record whose `job_id`
 *   is the evaluation's own id, the evaluated job in `labels.parent_job_id`;
 * - `legacy-item`: a listing item of the older shape: the evaluation's id, the evaluated job under
 *   `job_id`, and `labels: {type, job_id}`.
 */
export function evaluationWire(
  evaluation: EvaluationRecord,
  state: EvaluationState,
  shape: ResultShape,
  form: 'poll' | 'workload' | 'legacy-item',
): Record<string, unknown> {
  const legacy = shape === 'legacy';
  const time = legacy ? protoTimestamp : isoOrNull;
  let out: Record<string, unknown>;
  if (form === 'workload') {
    out = {
      job_id: evaluation.evaluationId,
      name: evaluation.name,
      labels: { type: 'evaluation', parent_job_id: evaluation.jobId },
    };
  } else {
    out = legacy ? { id: evaluation.evaluationId } : { evaluation_id: evaluation.evaluationId };
    if (form === 'legacy-item') {
      out.name = evaluation.name;
      out.labels = { type: 'evaluation', job_id: evaluation.jobId };
    }
    out.job_id = evaluation.jobId;
  }
  Object.assign(out, {
    model_uri: evaluation.modelUri,
    checkpoint_id: evaluation.checkpointId,
    status: legacy ? statusNumber(state.status) : state.status,
    benchmarks: benchmarksWire(evaluation),
  });
  if (shape === 'list') out.results = resultList(state.results);
  else if (shape === 'map') out.results = resultMap(state.results);
  else out.benchmark_results = legacyResults(state.results);
  Object.assign(out, {
    created_at: time(evaluation.createdAt),
    updated_at: time(state.updatedAt),
    started_at: time(state.startedAt),
    completed_at: time(state.completedAt),
    message: state.message,
  });
  return out;
}
