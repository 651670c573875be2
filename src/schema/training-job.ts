/** TrainingJob: the node, its connection, root fields and the job actions (cancel, pause, resume, retry). */

import type { Context } from '../context.js';
import type { JobMetrics, OrderBy, TrainingJob } from '../coordinator/domain.js';
import { isEvaluationWorkload } from '../coordinator/wire.js';
import { gatewayError } from '../errors.js';
import { builder } from './builder.js';
import { CheckpointRef } from './checkpoint.js';
import {
  checkLabelFilter,
  checkStatusFilter,
  hasLabels,
  JobStatusEnum,
  KeyValueInput,
  KeyValueRef,
  ListOrderEnum,
  MetricRef,
  parseId,
  statusFields,
  toKeyValues,
  toMetrics,
  type UserError,
  UserErrorRef,
  userErrorFrom,
  watcherOf,
} from './common.js';
import { EvaluationConnection, EvaluationRef, evaluationListing } from './evaluation.js';
import { loadableNode, loadEach } from './loaders.js';
import { filteredListing, type Listing, resolvePageTokenConnection } from './pagination.js';

/**
 * A coordinator that lists evaluation workloads with the jobs may serve them by id too: such a
 * record is an evaluation, so as a TrainingJob it does not exist.
 */
async function loadTrainingJob(context: Context, id: string): Promise<TrainingJob> {
  const job = await context.api.getJob(id);
  if (isEvaluationWorkload(job)) {
    throw gatewayError('NOT_FOUND', `${id} is an evaluation, not a training job; read it as an Evaluation.`);
  }
  return job;
}

/**
 * `GET /jobs` may list evaluation workloads too [doc implication]; they are left out of the pages.
 * Their number is also in `total_count`: when they are mixed in (seen on a page, or found in a
 * probe page), the evaluations with the same filter (ListJobs with the `type=evaluation` label, the
 * same set) are subtracted; when that cannot be had the total is unknown (null) rather than wrong.
 */
function trainingJobListing(context: Context, status: string[] | undefined, orderBy: OrderBy): Listing<TrainingJob> {
  let workloadsSeen = false;
  const evaluationCount = async () => (await context.api.listEvaluations({ pageSize: 1, status })).totalCount;
  return {
    identity: ['jobs', status ?? null, orderBy],
    async fetchPage(pageSize, pageToken) {
      const page = await context.api.listJobs({ pageSize, pageToken, orderBy, status });
      const items = page.items.filter((job) => !isEvaluationWorkload(job));
      if (items.length < page.items.length) workloadsSeen = true;
      return { items, nextPageToken: page.nextPageToken, totalCount: page.totalCount };
    },
    // Known traits cost nothing; an unknown deployment is probed once (one page of up to 100).
    async checkTotal(reported) {
      if (reported === null) return null;
      const traits = context.api.deployment;
      try {
        if (!workloadsSeen && traits?.evaluationWorkloadsInJobs !== true) {
          if (traits?.evaluationWorkloadsInJobs === false) return reported;
          const probe = await context.api.listJobs({ pageSize: 100 });
          if (!probe.items.some(isEvaluationWorkload)) {
            if (probe.nextPageToken === null && traits) traits.evaluationWorkloadsInJobs = false;
            return reported;
          }
        }
        const evaluations = await evaluationCount();
        return evaluations === null ? null : Math.max(0, reported - evaluations);
      } catch {
        return null;
      }
    },
  };
}

export const TrainingJobRef = loadableNode<TrainingJob>('TrainingJob', {
  id: { resolve: (job) => job.jobId },
  load: (ids, context) => loadEach(ids, (id) => loadTrainingJob(context, id)),
  // Jobs that arrive in a listing are cached, so back-references (Evaluation.job) cost nothing.
  toKey: (job) => job.jobId,
});

interface ProgressView {
  currentStep: number | null;
  totalSteps: number | null;
  epoch: number | null;
}

const ProgressRef = builder.objectRef<ProgressView>('Progress').implement({
  fields: (t) => ({
    currentStep: t.exposeInt('currentStep', { nullable: true }),
    totalSteps: t.exposeInt('totalSteps', { nullable: true }),
    epoch: t.exposeInt('epoch', { nullable: true }),
    fraction: t.float({
      nullable: true,
      description: 'currentStep / totalSteps, from 0 to 1 (null while unknown).',
      resolve: ({ currentStep, totalSteps }) =>
        currentStep === null || !totalSteps ? null : Math.min(1, Math.max(0, currentStep / totalSteps)),
    }),
  }),
});

const ResourcesRef = builder.objectRef<TrainingJob>('Resources').implement({
  fields: (t) => ({
    gpuCount: t.exposeInt('gpuCount', { nullable: true }),
    gpuType: t.exposeString('gpuType', { nullable: true }),
  }),
});

const JobMetricsRef = builder.objectRef<JobMetrics>('JobMetrics').implement({
  description: 'The latest metrics snapshot of a training job.',
  fields: (t) => ({
    step: t.exposeInt('step', { nullable: true }),
    values: t.field({ type: [MetricRef], resolve: (metrics) => toMetrics(metrics.values) }),
    value: t.float({
      nullable: true,
      args: { name: t.arg.string({ required: true }) },
      resolve: (metrics, { name }) => metrics.values[name] ?? null,
    }),
    recordedAt: t.field({ type: 'DateTime', nullable: true, resolve: (metrics) => metrics.recordedAt }),
  }),
});

export const EvaluationFilterForJob = builder.inputType('JobEvaluationsFilter', {
  fields: (t) => ({
    status: t.field({ type: [JobStatusEnum], required: false }),
  }),
});

TrainingJobRef.implement({
  description: 'A training run on the ScaiGrid cluster.',
  fields: (t) => ({
    jobId: t.exposeString('jobId', { description: 'The coordinator’s id, e.g. job_7f3a9c2e.' }),
    name: t.exposeString('name', { nullable: true }),
    ...statusFields(t),
    progress: t.field({ type: ProgressRef, nullable: true, resolve: (job) => job.progress }),
    queuePosition: t.exposeInt('queuePosition', { nullable: true }),
    labels: t.field({ type: [KeyValueRef], resolve: (job) => toKeyValues(job.labels) }),
    label: t.string({
      nullable: true,
      args: { key: t.arg.string({ required: true }) },
      resolve: (job, { key }) => job.labels[key] ?? null,
    }),
    trainingType: t.exposeString('trainingType', { nullable: true, description: 'SFT, LORA, QLORA, DPO, ...' }),
    framework: t.exposeString('framework', { nullable: true }),
    baseModel: t.exposeString('baseModel', { nullable: true }),
    priority: t.exposeInt('priority', { nullable: true }),
    resources: t.field({ type: ResourcesRef, resolve: (job) => job }),
    dataSources: t.exposeStringList('dataSources'),
    message: t.exposeString('message', { nullable: true }),
    outputModelUri: t.exposeString('outputModelUri', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.updatedAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.startedAt }),
    completedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.completedAt }),
    checkpoints: t.field({ type: [CheckpointRef], resolve: (job) => job.checkpoints }),
    evaluations: t.connection(
      {
        type: EvaluationRef,
        // Upstream-backed: one failing list must not take the whole job (or page) down with it.
        nullable: true,
        description: 'Evaluations of this job, newest first unless ordered otherwise.',
        args: {
          filter: t.arg({ type: EvaluationFilterForJob, required: false }),
          orderBy: t.arg({ type: ListOrderEnum, required: false }),
        },
        resolve: (job, args, context, info) =>
          resolvePageTokenConnection(
            args,
            evaluationListing(context, { jobId: job.jobId, status: args.filter?.status, orderBy: args.orderBy }),
            info,
          ),
      },
      EvaluationConnection,
    ),
    latestMetrics: t.field({
      type: JobMetricsRef,
      nullable: true,
      description: 'Null until the job has reported metrics.',
      resolve: (job, _args, context) => context.api.getJobMetrics(job.jobId),
    }),
    raw: t.field({ type: 'JSON', description: 'The coordinator’s reply as received.', resolve: (job) => job.raw }),
  }),
});

const TrainingJobFilter = builder.inputType('TrainingJobFilter', {
  fields: (t) => ({
    status: t.field({ type: [JobStatusEnum], required: false, description: 'Any of these statuses.' }),
    labels: t.field({
      type: [KeyValueInput],
      required: false,
      description:
        'Jobs carrying all of these labels. The gateway filters the coordinator’s pages (at most 500 jobs read per request; `totalCount` is then null, and `endCursor` resumes where the scan stopped).',
    }),
  }),
});

builder.queryFields((t) => ({
  trainingJob: t.field({
    type: TrainingJobRef,
    nullable: true,
    description: 'One training job by global ID or coordinator id (job_…).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }) => parseId(id, 'TrainingJob'),
  }),
  trainingJobs: t.connection(
    {
      type: TrainingJobRef,
      nullable: true,
      description: 'Training jobs of your tenant. Forward pagination only (`first` 1-100, `after`).',
      args: {
        filter: t.arg({ type: TrainingJobFilter, required: false }),
        orderBy: t.arg({ type: ListOrderEnum, required: false, defaultValue: 'created_at desc' }),
      },
      resolve: (_root, args, context, info) => {
        const status = checkStatusFilter(args.filter?.status);
        const labels = checkLabelFilter(args.filter?.labels);
        const orderBy = args.orderBy ?? 'created_at desc';
        const listing = trainingJobListing(context, status, orderBy);
        return resolvePageTokenConnection(
          args,
          labels
            ? filteredListing(listing, labels, (jobs) => jobs.map((job) => hasLabels(job.labels, labels)))
            : listing,
          info,
        );
      },
    },
    { name: 'TrainingJobConnection' },
    { name: 'TrainingJobEdge' },
  ),
}));

// ---- Job actions ------------------------------------------------------------------------------

interface JobActionPayload {
  trainingJob: TrainingJob | null;
  userErrors: UserError[];
}

function jobAction<Input extends { id: string | number }>(
  name: string,
  description: string,
  inputFields: Parameters<typeof builder.relayMutationField>[1],
  act: (context: Context, jobId: string, input: Input) => Promise<TrainingJob>,
) {
  builder.relayMutationField(
    name,
    inputFields,
    {
      description,
      resolve: async (_root, args, context): Promise<JobActionPayload> => {
        const input = args.input as unknown as Input;
        const jobId = parseId(input.id, 'TrainingJob');
        try {
          return { trainingJob: await act(context, jobId, input), userErrors: [] };
        } catch (error) {
          const userError = userErrorFrom(error);
          if (!userError) throw error;
          return { trainingJob: null, userErrors: [userError] };
        }
      },
    },
    {
      outputFields: (t) => ({
        trainingJob: t.field({
          type: TrainingJobRef,
          nullable: true,
          resolve: (payload: JobActionPayload) => payload.trainingJob,
        }),
        userErrors: t.field({ type: [UserErrorRef], resolve: (payload: JobActionPayload) => payload.userErrors }),
      }),
    },
  );
}

jobAction<{ id: string; reason?: string | null }>(
  'cancelTrainingJob',
  'Cancel a job that has not finished. Cancelling a finished job is a CONFLICT userError.',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      reason: t.string({ required: false }),
    }),
  },
  (context, jobId, input) => context.api.cancelJob(jobId, { reason: input.reason ?? undefined }),
);

jobAction<{ id: string; saveCheckpoint?: boolean | null }>(
  'pauseTrainingJob',
  'Pause a running job, optionally saving a checkpoint first.',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      saveCheckpoint: t.boolean({ required: false }),
    }),
  },
  (context, jobId, input) => context.api.pauseJob(jobId, { saveCheckpoint: input.saveCheckpoint ?? undefined }),
);

jobAction<{ id: string; checkpointId?: string | null }>(
  'resumeTrainingJob',
  'Resume a paused job, from its latest state or from a checkpoint.',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      checkpointId: t.string({ required: false }),
    }),
  },
  (context, jobId, input) => context.api.resumeJob(jobId, { checkpointId: input.checkpointId ?? undefined }),
);

jobAction<{ id: string; checkpointId?: string | null }>(
  'retryTrainingJob',
  'Retry a failed, cancelled or preempted job, optionally from a checkpoint.',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      checkpointId: t.string({ required: false }),
    }),
  },
  (context, jobId, input) => context.api.retryJob(jobId, { checkpointId: input.checkpointId ?? undefined }),
);

builder.subscriptionField('trainingJobUpdated', (t) =>
  t.field({
    type: TrainingJobRef,
    description:
      'The job now, then each visible change (status, progress, checkpoints, message); completes after a terminal status.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) => context.live.watch('job', parseId(id, 'TrainingJob'), watcherOf(context)),
    resolve: (job: TrainingJob) => job,
  }),
);
