import { unitHash } from './prng.js';
import type { BenchmarkRecord, EvaluationRecord } from './records.js';
import type { Status } from './vocabulary.js';

/** Benchmarks the emulated coordinator knows, besides any `custom-*` with a readable dataset. */
export const KNOWN_BENCHMARKS = ['mmlu', 'humaneval', 'gsm8k', 'hellaswag', 'arc', 'truthfulqa'] as const;

const DEFAULT_SAMPLES: Record<string, number> = {
  mmlu: 14042,
  humaneval: 164,
  gsm8k: 1319,
  hellaswag: 10042,
  arc: 1172,
  truthfulqa: 817,
};

/** Plausible score ranges, so demo numbers look like real ones; always inside [0, 1]. */
const SCORE_RANGE: Record<string, readonly [number, number]> = {
  mmlu: [0.55, 0.82],
  humaneval: [0.25, 0.7],
  gsm8k: [0.35, 0.85],
  hellaswag: [0.7, 0.9],
  arc: [0.5, 0.8],
  truthfulqa: [0.35, 0.6],
};
const CUSTOM_RANGE: readonly [number, number] = [0.6, 0.95];

export function isCustomBenchmark(name: string): boolean {
  return name.startsWith('custom-');
}

export function isKnownBenchmark(name: string): boolean {
  return (KNOWN_BENCHMARKS as readonly string[]).includes(name) || (isCustomBenchmark(name) && name.length > 7);
}

export function samplesFor(benchmark: BenchmarkRecord): number {
  return benchmark.numSamples ?? DEFAULT_SAMPLES[benchmark.name] ?? 500;
}

const round4 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 10_000) / 10_000;

/** The score of one benchmark: a pure function of (evaluation id, benchmark name), in [0, 1]. */
export function scoreFor(evaluationId: string, benchmark: string): number {
  const [lo, hi] = SCORE_RANGE[benchmark] ?? CUSTOM_RANGE;
  return round4(lo + unitHash(evaluationId, benchmark, 'score') * (hi - lo));
}

/** Metrics named the way each harness reports them; the headline metric equals the score. */
export function metricsFor(evaluationId: string, benchmark: string): Record<string, number> {
  const score = scoreFor(evaluationId, benchmark);
  const jitter = unitHash(evaluationId, benchmark, 'jitter');
  switch (benchmark) {
    case 'mmlu':
    case 'arc':
      return { accuracy: score };
    case 'humaneval':
      return { pass_at_1: score, pass_at_10: round4(score + 0.08 + jitter * 0.12) };
    case 'gsm8k':
      return { exact_match: score };
    case 'hellaswag':
      return { accuracy_norm: score, accuracy: round4(score - 0.02 - jitter * 0.04) };
    case 'truthfulqa':
      return { mc2: score, mc1: round4(score - 0.1 - jitter * 0.08) };
    default:
      return { score, exact_match: round4(score - 0.05 - jitter * 0.1) };
  }
}

/** Timings (simulated ms) of a new evaluation: 3 benchmarks take about a minute at speed 1. */
export function scheduleEvaluation(
  evaluationId: string,
  benchmarks: readonly BenchmarkRecord[],
  createdAt: number,
  scale = 1,
): Pick<EvaluationRecord, 'schedulingAt' | 'preparingAt' | 'evaluatingAt' | 'doneAt'> {
  // Whole seconds keep every derived timestamp free of fractions.
  const seconds = (ms: number) => Math.max(1000, Math.round((ms * scale) / 1000) * 1000);
  const schedulingAt = createdAt + seconds(5_000);
  const preparingAt = schedulingAt + seconds(5_000);
  const evaluatingAt = preparingAt + seconds(8_000);
  let t = evaluatingAt;
  const doneAt = benchmarks.map((b) => {
    t += seconds(12_000 + unitHash(evaluationId, b.name, 'duration') * 4_000);
    return t;
  });
  return { schedulingAt, preparingAt, evaluatingAt, doneAt };
}

export interface ResultState {
  benchmark: string;
  status: 'COMPLETED' | 'FAILED';
  score: number | null;
  metrics: Record<string, number>;
  numSamples: number;
}

export interface EvaluationState {
  status: Status;
  /** Results land one benchmark at a time, in request order. */
  results: ResultState[];
  startedAt: number | null;
  completedAt: number | null;
  updatedAt: number;
  message: string;
}

export function evaluationStateAt(evaluation: EvaluationRecord, t: number): EvaluationState {
  const { doneAt, failure } = evaluation;
  const endAt =
    failure !== undefined
      ? (doneAt[failure.index] ?? evaluation.evaluatingAt)
      : (doneAt.at(-1) ?? evaluation.evaluatingAt);
  const results: ResultState[] = [];
  evaluation.benchmarks.forEach((benchmark, index) => {
    const landed = doneAt[index];
    if (landed === undefined || landed > t) return;
    if (failure !== undefined && index > failure.index) return;
    const failed = failure !== undefined && index === failure.index;
    results.push({
      benchmark: benchmark.name,
      status: failed ? 'FAILED' : 'COMPLETED',
      score: failed ? null : scoreFor(evaluation.evaluationId, benchmark.name),
      metrics: failed ? {} : metricsFor(evaluation.evaluationId, benchmark.name),
      numSamples: samplesFor(benchmark),
    });
  });

  let status: Status;
  let since: number;
  let message = '';
  if (t < evaluation.schedulingAt)
    [status, since, message] = ['QUEUED', evaluation.createdAt, 'Waiting for an evaluator'];
  else if (t < evaluation.preparingAt) [status, since] = ['SCHEDULING', evaluation.schedulingAt];
  else if (t < evaluation.evaluatingAt)
    [status, since, message] = ['PREPARING', evaluation.preparingAt, 'Loading model'];
  else if (t < endAt) {
    status = 'EVALUATING';
    since = results.length > 0 ? (doneAt[results.length - 1] ?? evaluation.evaluatingAt) : evaluation.evaluatingAt;
    message = `Running ${evaluation.benchmarks[results.length]?.name ?? 'benchmarks'} (${results.length}/${evaluation.benchmarks.length} done)`;
  } else if (failure !== undefined) [status, since, message] = ['FAILED', endAt, failure.message];
  else [status, since] = ['COMPLETED', endAt];

  const terminal = status === 'COMPLETED' || status === 'FAILED';
  return {
    status,
    results,
    startedAt: t >= evaluation.schedulingAt ? evaluation.schedulingAt : null,
    completedAt: terminal ? endAt : null,
    updatedAt: since,
    message,
  };
}

/** The list name of an evaluation: "eval-<job name>-<first benchmark>[+<more>]". */
export function evaluationName(jobName: string, benchmarks: readonly BenchmarkRecord[]): string {
  const first = benchmarks[0]?.name ?? 'none';
  return `eval-${jobName}-${first}${benchmarks.length > 1 ? `+${benchmarks.length - 1}` : ''}`;
}
