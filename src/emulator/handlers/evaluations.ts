import type { HandlerContext, JsonReply } from '../context.js';
import { datasetProblem } from '../datasets.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import {
  evaluationName,
  isCustomBenchmark,
  isKnownBenchmark,
  KNOWN_BENCHMARKS,
  scheduleEvaluation,
} from '../evaluation-lifecycle.js';
import { outputModelUri } from '../job-lifecycle.js';
import { PageTokens, paginate, parseListQuery } from '../pagination.js';
import type { BenchmarkRecord, EvaluationRecord } from '../records.js';
import { evaluationWire } from '../shapes.js';
import { parseEvaluationSubmission } from '../validation.js';
import { jobOr404 } from './jobs.js';

/** The coordinator's argument rules for benchmarks; each error names the offending field. */
function checkBenchmarks(tenant: string, benchmarks: readonly BenchmarkRecord[]): void {
  if (benchmarks.length === 0) throw invalidArgument('benchmarks', 'at least one benchmark is required');
  const seen = new Set<string>();
  benchmarks.forEach((benchmark, i) => {
    const field = `benchmarks[${i}]`;
    if (!isKnownBenchmark(benchmark.name)) {
      throw invalidArgument(
        `${field}.name`,
        `unknown benchmark ${JSON.stringify(benchmark.name)}; known: ${KNOWN_BENCHMARKS.join(', ')}, or custom-* with a dataset`,
      );
    }
    if (seen.has(benchmark.name)) throw invalidArgument(`${field}.name`, `duplicate benchmark ${benchmark.name}`);
    seen.add(benchmark.name);
    if (isCustomBenchmark(benchmark.name)) {
      if (benchmark.dataset === undefined) {
        throw invalidArgument(`${field}.dataset`, `custom benchmark ${benchmark.name} needs a dataset`);
      }
      const problem = datasetProblem(tenant, benchmark.dataset);
      if (problem !== null) throw invalidArgument(`${field}.dataset`, `${benchmark.dataset}: ${problem}`);
    }
  });
}

/**
 * POST /evaluations. Order of checks: body schema (422), job exists (404), benchmarks (400),
 * checkpoint exists (400), job state (409), as the coordinator validates arguments before state.
 */
export function submitEvaluation(ctx: HandlerContext): JsonReply {
  const input = parseEvaluationSubmission(ctx.body);
  const job = jobOr404(ctx, input.jobId);
  checkBenchmarks(ctx.tenant, input.benchmarks);
  const state = ctx.snapshot.jobState(job);
  let modelUri: string;
  if (input.checkpointId !== '') {
    const checkpoint = state.checkpoints.find((c) => c.checkpointId === input.checkpointId);
    if (checkpoint === undefined) {
      throw invalidArgument('checkpoint_id', `unknown checkpoint ${input.checkpointId} of job ${job.jobId}`);
    }
    modelUri = checkpoint.uri;
  } else {
    if (state.status !== 'COMPLETED') {
      throw failedPrecondition(
        `Job ${job.jobId} is ${state.status}: evaluate a COMPLETED job, or name one of its checkpoints in checkpoint_id`,
      );
    }
    modelUri = outputModelUri(job);
  }
  const evaluationId = ctx.store.newEvaluationId(ctx.tenant);
  const evaluation: EvaluationRecord = {
    evaluationId,
    tenant: ctx.tenant,
    name: evaluationName(job.name, input.benchmarks),
    jobId: job.jobId,
    modelUri: input.modelUri ?? modelUri,
    checkpointId: input.checkpointId,
    benchmarks: input.benchmarks,
    createdAt: ctx.now,
    ...scheduleEvaluation(evaluationId, input.benchmarks, ctx.now),
  };
  ctx.store.addEvaluation(evaluation);
  return { status: 201, data: { evaluation_id: evaluationId, status: 'QUEUED' } };
}

/** GET /evaluations/{evaluation_id} */
export function getEvaluation(ctx: HandlerContext): JsonReply {
  const id = ctx.params.evaluation_id ?? '';
  const evaluation = ctx.store.evaluation(ctx.tenant, id);
  if (evaluation === undefined) throw notFound('evaluation', id);
  return {
    status: 200,
    data: evaluationWire(evaluation, ctx.snapshot.evaluationState(evaluation), ctx.shape, 'poll'),
  };
}

/**
 * GET /evaluations: job-shaped workload records under `jobs` (or the older shape under
 * `evaluations`), filterable by status and, unless the deployment ignores it, by the evaluated job.
 */
export function listEvaluations(ctx: HandlerContext): JsonReply {
  const query = parseListQuery(ctx.query, ctx.drift.jobIdFilter === 'applied', ctx.drift);
  const wanted = new Set(query.statuses);
  const evaluations = ctx.store
    .evaluationsOf(ctx.tenant)
    .filter(
      (e) =>
        (query.jobId === undefined || e.jobId === query.jobId) &&
        (wanted.size === 0 || wanted.has(ctx.snapshot.evaluationState(e).status)),
    );
  const page = paginate(
    evaluations,
    (e, field) => (field === 'name' ? e.name : e.createdAt),
    (e) => e.evaluationId,
    query,
    ctx.tokens,
    PageTokens.binding('evaluations', ctx.tenant, query),
    ctx.now,
  );
  const legacy = ctx.drift.evaluationListing === 'legacy';
  const items = page.items.map((e) =>
    evaluationWire(e, ctx.snapshot.evaluationState(e), ctx.shape, legacy ? 'legacy-item' : 'workload'),
  );
  const data: Record<string, unknown> = legacy ? { evaluations: items } : { jobs: items };
  if (page.nextPageToken !== undefined) data.next_page_token = page.nextPageToken;
  data.total_count = page.totalCount;
  return { status: 200, data };
}
