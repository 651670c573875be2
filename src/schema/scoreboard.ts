/**
 * Scores across checkpoints: `TrainingJob.scoreboard`, `Checkpoint.evaluations`,
 * `Checkpoint.score` and the `scoreCheckpoints` mutation.
 *
 * Everything here reads one listing per job and request (the job's evaluations, newest first,
 * bounded in pages), memoised on the request's context: a page asking for every checkpoint's
 * scores costs the same few calls as one scoreboard.
 */
import { createHash } from 'node:crypto';
import { type Context, operationMemo } from '../context.js';
import type { Checkpoint, Evaluation, TrainingJob } from '../coordinator/domain.js';
import { gatewayError } from '../errors.js';
import { builder } from './builder.js';
import { CheckpointRef } from './checkpoint.js';
import { parseId, type UserError, UserErrorRef, userErrorFrom, type Warning, WarningRef } from './common.js';
import { BenchmarkInput, EvaluationRef, type SubmitInput, type SubmitPayload, submitEvaluation } from './evaluation.js';
import { TrainingJobRef } from './training-job.js';

/** Pages of the job's evaluation listing read at most, and their size: the bound in the docs. */
export const MAX_EVALUATION_PAGES = 5;
const PAGE_SIZE = 100;
const MAX_BENCHMARKS = 50;
const MAX_CHECKPOINTS = 20;

interface JobEvaluations {
  evaluations: Evaluation[];
  /** False when the job has more evaluations than the pages read. */
  complete: boolean;
}

/** Per operation: the memo dies with the context, so nothing is cached across requests or credentials. */
const listingsOf = operationMemo(() => new Map<string, Promise<JobEvaluations>>());

async function readJobEvaluations(context: Context, jobId: string): Promise<JobEvaluations> {
  const evaluations: Evaluation[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_EVALUATION_PAGES; page++) {
    const result = await context.api.listEvaluations({ jobId, pageSize: PAGE_SIZE, pageToken });
    // A coordinator that ignores `job_id` must not put another job's scores on this board.
    for (const evaluation of result.items) if (evaluation.jobId === jobId) evaluations.push(evaluation);
    if (result.nextPageToken === null) return { evaluations, complete: true };
    pageToken = result.nextPageToken;
  }
  return { evaluations, complete: false };
}

export function jobEvaluations(context: Context, jobId: string): Promise<JobEvaluations> {
  const byJob = listingsOf(context);
  let pending = byJob.get(jobId);
  if (!pending) {
    pending = readJobEvaluations(context, jobId);
    byJob.set(jobId, pending);
  }
  return pending;
}

interface ScoreView {
  benchmark: string;
  score: number | null;
  evaluation: Evaluation | null;
}

const timeOf = (evaluation: Evaluation) => evaluation.completedAt ?? evaluation.startedAt ?? evaluation.createdAt ?? '';

/**
 * The latest completed score of one model (a checkpoint, or the final model for null) on one
 * benchmark: from the evaluation that completed last; for a tie, the newest one listed.
 */
function latestScore(evaluations: readonly Evaluation[], checkpointId: string | null, benchmark: string): ScoreView {
  let best: { evaluation: Evaluation; score: number } | null = null;
  for (const evaluation of evaluations) {
    if (evaluation.checkpointId !== checkpointId) continue;
    const result = evaluation.benchmarks.find((b) => b.name === benchmark);
    if (result?.status !== 'COMPLETED' || result.score === null) continue;
    if (!best || timeOf(evaluation) > timeOf(best.evaluation)) best = { evaluation, score: result.score };
  }
  return { benchmark, score: best?.score ?? null, evaluation: best?.evaluation ?? null };
}

const BenchmarkScoreRef = builder.objectRef<ScoreView>('BenchmarkScore').implement({
  description: 'The latest completed score of one model on one benchmark, and the evaluation it came from.',
  fields: (t) => ({
    benchmark: t.exposeString('benchmark'),
    score: t.float({
      nullable: true,
      description: 'Null until an evaluation of this model completed the benchmark.',
      resolve: (s) => s.score,
    }),
    evaluation: t.field({ type: EvaluationRef, nullable: true, resolve: (s) => s.evaluation }),
    completedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.evaluation?.completedAt ?? null }),
  }),
});

interface RowView {
  checkpoint: Checkpoint | null;
  step: number | null;
  benchmarks: string[];
  evaluations: Evaluation[];
}

const ScoreboardRowRef = builder.objectRef<RowView>('ScoreboardRow').implement({
  description: 'One model of the job (a checkpoint, or the final model) and its scores.',
  fields: (t) => ({
    checkpoint: t.field({
      type: CheckpointRef,
      nullable: true,
      description: 'Null for the final model.',
      resolve: (row) => row.checkpoint,
    }),
    isFinalModel: t.boolean({ resolve: (row) => row.checkpoint === null }),
    step: t.int({ nullable: true, resolve: (row) => row.step }),
    scores: t.field({
      type: [BenchmarkScoreRef],
      description: 'One per benchmark of the scoreboard, in its order.',
      resolve: (row) =>
        row.benchmarks.map((name) => latestScore(row.evaluations, row.checkpoint?.checkpointId ?? null, name)),
    }),
  }),
});

interface ScoreboardView {
  benchmarks: string[];
  rows: RowView[];
  complete: boolean;
}

const ScoreboardRef = builder.objectRef<ScoreboardView>('Scoreboard').implement({
  description: 'Scores of a job’s checkpoints and final model, side by side ("epoch 2 vs epoch 3 on mmlu").',
  fields: (t) => ({
    benchmarks: t.exposeStringList('benchmarks'),
    rows: t.field({
      type: [ScoreboardRowRef],
      description: 'Checkpoints by step, then the final model (once the job completed or was scored).',
      resolve: (board) => board.rows,
    }),
    complete: t.boolean({
      description: `False when the job has more evaluations than the ${MAX_EVALUATION_PAGES * PAGE_SIZE} newest that were read.`,
      resolve: (board) => board.complete,
    }),
  }),
});

function checkBenchmarks(benchmarks: readonly string[] | null | undefined): void {
  if (benchmarks && (benchmarks.length > MAX_BENCHMARKS || benchmarks.some((name) => !name.trim()))) {
    throw gatewayError('BAD_USER_INPUT', `Name up to ${MAX_BENCHMARKS} benchmarks, none empty.`);
  }
}

const BOUND_DOC =
  `Costs at most ${MAX_EVALUATION_PAGES} upstream calls per job and request (the job’s evaluations, ${PAGE_SIZE} a page, ` +
  'newest first), shared by `TrainingJob.scoreboard`, `Checkpoint.evaluations` and `Checkpoint.score`.';

builder.objectField(TrainingJobRef, 'scoreboard', (t) =>
  t.field({
    type: ScoreboardRef,
    nullable: true,
    description: `For each checkpoint and the final model, the latest completed score on each benchmark. ${BOUND_DOC}`,
    args: {
      benchmarks: t.arg.stringList({
        required: false,
        description: 'These benchmarks, in this order; every benchmark the job was evaluated on when omitted.',
      }),
    },
    resolve: async (job: TrainingJob, args, context) => {
      checkBenchmarks(args.benchmarks);
      const { evaluations, complete } = await jobEvaluations(context, job.jobId);
      const benchmarks =
        args.benchmarks ?? [...new Set(evaluations.flatMap((e) => e.benchmarks.map((b) => b.name)))].sort();
      const rows: RowView[] = [...job.checkpoints]
        .sort((a, b) => (a.step ?? 0) - (b.step ?? 0))
        .map((checkpoint) => ({ checkpoint, step: checkpoint.step, benchmarks, evaluations }));
      if (job.status === 'COMPLETED' || evaluations.some((e) => e.checkpointId === null)) {
        rows.push({ checkpoint: null, step: job.progress?.totalSteps ?? null, benchmarks, evaluations });
      }
      return { benchmarks, rows, complete };
    },
  }),
);

builder.objectFields(CheckpointRef, (t) => ({
  evaluations: t.field({
    type: [EvaluationRef],
    nullable: true,
    description: `Evaluations that scored this checkpoint, newest first. ${BOUND_DOC}`,
    resolve: async (checkpoint, _args, context) =>
      (await jobEvaluations(context, checkpoint.jobId)).evaluations.filter(
        (e) => e.checkpointId === checkpoint.checkpointId,
      ),
  }),
  score: t.field({
    type: BenchmarkScoreRef,
    nullable: true,
    description: `The latest completed score of this checkpoint on one benchmark (null: never completed). ${BOUND_DOC}`,
    args: { benchmark: t.arg.string({ required: true }) },
    resolve: async (checkpoint, args, context) => {
      const { evaluations } = await jobEvaluations(context, checkpoint.jobId);
      const score = latestScore(evaluations, checkpoint.checkpointId, args.benchmark);
      return score.evaluation ? score : null;
    },
  }),
}));

// ---- scoreCheckpoints ---------------------------------------------------------------------------

interface ScoringView {
  jobId: string;
  checkpointId: string;
  evaluationId: string | null;
  userErrors: UserError[];
  warnings: Warning[];
}

const CheckpointScoringRef = builder.objectRef<ScoringView>('CheckpointScoring').implement({
  description: 'The evaluation submitted for one checkpoint (or why none was).',
  fields: (t) => ({
    checkpointId: t.exposeString('checkpointId'),
    checkpoint: t.field({
      type: CheckpointRef,
      nullable: true,
      resolve: async (view, _args, context) => {
        const job = await TrainingJobRef.getDataloader(context).load(view.jobId);
        return job.checkpoints.find((c) => c.checkpointId === view.checkpointId) ?? null;
      },
    }),
    evaluation: t.field({ type: EvaluationRef, nullable: true, resolve: (view) => view.evaluationId }),
    userErrors: t.field({ type: [UserErrorRef], resolve: (view) => view.userErrors }),
    warnings: t.field({ type: [WarningRef], resolve: (view) => view.warnings }),
  }),
});

interface ScoreCheckpointsInput {
  jobId: string | number;
  checkpointIds?: string[] | null;
  benchmarks: SubmitInput['benchmarks'];
  idempotencyKey?: string | null;
}

interface ScoreCheckpointsPayload {
  results: ScoringView[];
  userErrors: UserError[];
}

/**
 * Every submission is idempotent per checkpoint: under the caller's key plus the checkpoint, or,
 * without a key, under the job, checkpoint and benchmarks themselves, so retrying the whole
 * mutation after a lost reply never scores a checkpoint twice.
 */
function checkpointKey(input: ScoreCheckpointsInput, jobId: string, checkpointId: string): string {
  if (input.idempotencyKey) return `${input.idempotencyKey}:${checkpointId}`;
  const what = JSON.stringify([jobId, checkpointId, input.benchmarks]);
  return `scoreCheckpoints:${createHash('sha256').update(what).digest('base64url')}`;
}

/** A submit error about `checkpointId` belongs to this checkpoint's place in `checkpointIds`. */
function remap(errors: UserError[], at: string[]): UserError[] {
  return errors.map((error) => (error.field?.[1] === 'checkpointId' ? { ...error, field: at } : error));
}

async function scoreCheckpoints(context: Context, input: ScoreCheckpointsInput): Promise<ScoreCheckpointsPayload> {
  const jobId = parseId(input.jobId, 'TrainingJob');
  let job: TrainingJob;
  try {
    job = await TrainingJobRef.getDataloader(context).load(jobId);
  } catch (error) {
    const userError = userErrorFrom(error, ['input', 'jobId']);
    if (!userError) throw error;
    return { results: [], userErrors: [userError] };
  }
  const ids = [...new Set(input.checkpointIds ?? job.checkpoints.map((c) => c.checkpointId))];
  const field = ['input', 'checkpointIds'];
  if (ids.length === 0) {
    return {
      results: [],
      userErrors: [{ field, message: `Job ${jobId} has no checkpoints yet.`, code: 'BAD_USER_INPUT' }],
    };
  }
  if (ids.length > MAX_CHECKPOINTS) {
    const message = `Score at most ${MAX_CHECKPOINTS} checkpoints at once (name them in checkpointIds).`;
    return { results: [], userErrors: [{ field, message, code: 'BAD_USER_INPUT' }] };
  }
  const results: ScoringView[] = [];
  // One after the other: each is a POST the coordinator counts against the caller's rate limit.
  for (const [index, checkpointId] of ids.entries()) {
    const payload: SubmitPayload = await submitEvaluation(context, {
      jobId,
      checkpointId,
      benchmarks: input.benchmarks,
      idempotencyKey: checkpointKey(input, jobId, checkpointId),
    });
    const at = input.checkpointIds ? [...field, String(index)] : ['input', 'jobId'];
    results.push({
      jobId,
      checkpointId,
      evaluationId: payload.evaluationId,
      userErrors: remap(payload.userErrors, at),
      warnings: payload.warnings,
    });
  }
  return { results, userErrors: [] };
}

builder.relayMutationField(
  'scoreCheckpoints',
  {
    inputFields: (t) => ({
      jobId: t.id({ required: true, description: 'The training job (global ID or job_…).' }),
      checkpointIds: t.stringList({
        required: false,
        description: `Checkpoints to score (up to ${MAX_CHECKPOINTS}); every checkpoint of the job when omitted.`,
      }),
      benchmarks: t.field({ type: [BenchmarkInput], required: true, description: 'Run on every checkpoint.' }),
      idempotencyKey: t.string({
        required: false,
        description:
          'Retrying with the same key within 24 h returns the same evaluations. Without a key, the same checkpoint and ' +
          'benchmarks submitted again within 24 h also return the earlier evaluation: pass a fresh key to score again.',
      }),
    }),
  },
  {
    description:
      'Score checkpoints of a job: one evaluation per checkpoint, each on all the benchmarks, checked like ' +
      '`submitEvaluation` and idempotent per checkpoint. Upstream: the job once, then one POST per checkpoint.',
    resolve: (_root, args, context) => scoreCheckpoints(context, args.input as unknown as ScoreCheckpointsInput),
    // One POST per checkpoint: each named one costs 1, and all of them (at most the cap) when none are named.
    complexity: (args) => {
      const named = (args.input as { checkpointIds?: unknown } | undefined)?.checkpointIds;
      return {
        field: 1 + (Array.isArray(named) ? Math.min(named.length, MAX_CHECKPOINTS) : MAX_CHECKPOINTS),
        multiplier: 1,
      };
    },
  },
  {
    outputFields: (t) => ({
      results: t.field({
        type: [CheckpointScoringRef],
        description: 'One per checkpoint, in the order asked.',
        resolve: (payload: ScoreCheckpointsPayload) => payload.results,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Why nothing was submitted (per-checkpoint problems are in `results`).',
        resolve: (payload: ScoreCheckpointsPayload) => payload.userErrors,
      }),
    }),
  },
);
