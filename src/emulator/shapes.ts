import { iso } from './clock.js';
import type { EvaluationState, ResultState } from './evaluation-lifecycle.js';
import { type JobState, outputModelUri } from './job-lifecycle.js';
import { unitHash } from './prng.js';
import type { EvaluationRecord, JobRecord } from './records.js';
import type { ResultShape } from './types.js';
import { statusNumber } from './vocabulary.js';

/** Wire JSON of the emulated coordinator: snake_case, RFC 3339 strings, exactly the contract's shapes. */

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function jobWire(job: JobRecord, state: JobState, queuePosition: number): Record<string, unknown> {
  return {
    job_id: job.jobId,
    name: job.name,
    status: state.status,
    labels: { ...job.labels },
    training_config: {
      training_type: job.trainingType,
      framework: job.framework,
      base_model: { model_id: job.baseModel },
      priority: job.priority,
      num_epochs: job.plan.numEpochs,
      hyperparameters: { ...job.hyperparameters },
    },
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
    max_retries: job.maxRetries,
    retry_count: state.retries,
    created_at: iso(job.createdAt),
    updated_at: iso(state.updatedAt),
    started_at: isoOrNull(state.startedAt),
    completed_at: isoOrNull(state.completedAt),
  };
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
 * One evaluation in the configured result shape. List items (GET /evaluations) are job-shaped:
 * they also carry `name` and `labels: {type: "evaluation", job_id}`.
 */
export function evaluationWire(
  evaluation: EvaluationRecord,
  state: EvaluationState,
  shape: ResultShape,
  listItem: boolean,
): Record<string, unknown> {
  const legacy = shape === 'legacy';
  const time = legacy ? protoTimestamp : isoOrNull;
  const out: Record<string, unknown> = legacy
    ? { id: evaluation.evaluationId }
    : { evaluation_id: evaluation.evaluationId };
  if (listItem) {
    out.name = evaluation.name;
    out.labels = { type: 'evaluation', job_id: evaluation.jobId };
  }
  Object.assign(out, {
    job_id: evaluation.jobId,
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
