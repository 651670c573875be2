import type { HandlerContext, JsonReply } from '../context.js';
import { notFound } from '../errors.js';
import { buildRun, cancelJob, outcomeFor, pauseJob, planFor, resumeJob, retryJob } from '../job-lifecycle.js';
import { checkJobRules } from '../job-rules.js';
import { PageTokens, paginate, parseListQuery } from '../pagination.js';
import type { EvaluationRecord, JobRecord } from '../records.js';
import { evaluationWire, jobWire, metricsWire } from '../shapes.js';
import { parseActionBody, parseJobSubmission } from '../validation.js';

export function jobOr404(ctx: HandlerContext, jobId: string): JobRecord {
  const job = ctx.store.job(ctx.tenant, jobId);
  if (job === undefined) throw notFound('job', jobId);
  return job;
}

function paramJob(ctx: HandlerContext): JobRecord {
  return jobOr404(ctx, ctx.params.job_id ?? '');
}

export function renderJob(ctx: HandlerContext, job: JobRecord): Record<string, unknown> {
  return jobWire(job, ctx.snapshot.jobState(job), ctx.snapshot.queuePosition(job), ctx.drift);
}

type Workload = { job: JobRecord } | { evaluation: EvaluationRecord };

/**
 * GET /jobs. A deployment of the `evaluationsInJobs` variant lists evaluation workloads too (ListJobs
 * unfiltered), as job-shaped records labelled `type=evaluation`, sorted and counted with the jobs.
 */
export function listJobs(ctx: HandlerContext): JsonReply {
  const query = parseListQuery(ctx.query, false, ctx.drift);
  const wanted = new Set(query.statuses);
  const workloads: Workload[] = ctx.store
    .jobsOf(ctx.tenant)
    .filter((job) => wanted.size === 0 || wanted.has(ctx.snapshot.jobState(job).status))
    .map((job) => ({ job }));
  if (ctx.drift.evaluationsInJobs) {
    for (const evaluation of ctx.store.evaluationsOf(ctx.tenant)) {
      if (wanted.size === 0 || wanted.has(ctx.snapshot.evaluationState(evaluation).status)) {
        workloads.push({ evaluation });
      }
    }
  }
  const record = (w: Workload) => ('job' in w ? w.job : w.evaluation);
  const page = paginate(
    workloads,
    (w, field) => (field === 'name' ? record(w).name : record(w).createdAt),
    (w) => ('job' in w ? w.job.jobId : w.evaluation.evaluationId),
    query,
    ctx.tokens,
    PageTokens.binding('jobs', ctx.tenant, query),
    ctx.now,
  );
  const data: Record<string, unknown> = {
    jobs: page.items.map((w) =>
      'job' in w
        ? renderJob(ctx, w.job)
        : evaluationWire(w.evaluation, ctx.snapshot.evaluationState(w.evaluation), ctx.shape, 'workload'),
    ),
  };
  if (page.nextPageToken !== undefined) data.next_page_token = page.nextPageToken;
  data.total_count = page.totalCount;
  return { status: 200, data };
}

/** GET /jobs/{job_id} */
export function getJob(ctx: HandlerContext): JsonReply {
  return { status: 200, data: renderJob(ctx, paramJob(ctx)) };
}

/** POST /jobs: 201 with the submit reply; the lifecycle is precomputed from now. */
export function submitJob(ctx: HandlerContext): JsonReply {
  const input = parseJobSubmission(ctx.body, ctx.drift);
  checkJobRules(ctx.body);
  const jobId = ctx.store.newJobId(ctx.tenant);
  const plan = planFor(jobId);
  if (input.numEpochs !== undefined) plan.numEpochs = input.numEpochs;
  const job: JobRecord = {
    jobId,
    tenant: ctx.tenant,
    name: input.name,
    labels: input.labels,
    trainingType: input.trainingType,
    framework: input.framework,
    baseModel: input.baseModel,
    priority: input.priority,
    hyperparameters: input.hyperparameters,
    environment: input.environment,
    dataSources: input.dataSources,
    gpuCount: input.gpuCount,
    gpuType: input.gpuType,
    maxRetries: input.maxRetries,
    plan,
    createdAt: ctx.now,
    startedAt: null,
    checkpoints: [],
    timeline: [],
  };
  job.timeline = buildRun(job, {
    start: ctx.now,
    from: 'PENDING',
    startStep: 0,
    outcome: outcomeFor(jobId, input.labels),
    retries: 0,
  });
  ctx.store.addJob(job);
  const ahead = ctx.snapshot.queue().length;
  const waitMs = plan.pendingMs + plan.queuedMs + plan.schedulingMs;
  return {
    status: 201,
    data: {
      job_id: jobId,
      status: 'PENDING',
      message: 'Job submitted',
      estimated_wait_seconds: Math.round(waitMs / 1000) + ahead * 10,
    },
  };
}

/** Builds the handler of a state-changing action: validate the body, act at `now`, return the job. */
function action(apply: (job: JobRecord, ctx: HandlerContext, input: ReturnType<typeof parseActionBody>) => void) {
  return (ctx: HandlerContext): JsonReply => {
    const input = parseActionBody(ctx.body);
    const job = paramJob(ctx);
    apply(job, ctx, input);
    // The snapshot cached the pre-action state.
    ctx.snapshot.invalidate();
    return { status: 200, data: renderJob(ctx, job) };
  };
}

export const cancel = action((job, ctx, input) => cancelJob(job, ctx.now, input.reason));
export const pause = action((job, ctx, input) => pauseJob(job, ctx.now, input.saveCheckpoint ?? false));
export const resume = action((job, ctx, input) => resumeJob(job, ctx.now, input.checkpointId));
export const retry = action((job, ctx, input) => retryJob(job, ctx.now, input.checkpointId));

/** GET /jobs/{job_id}/metrics */
export function getMetrics(ctx: HandlerContext): JsonReply {
  const job = paramJob(ctx);
  return { status: 200, data: metricsWire(job, ctx.snapshot.jobState(job)) };
}
