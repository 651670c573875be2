/** Evaluation: the node, its listing, root fields and `submitEvaluation`. */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import type {
  BenchmarkSpec,
  Evaluation,
  EvaluationRequest,
  OrderBy,
  StringMap,
  TrainingJob,
} from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { evaluationLabelsOf } from '../coordinator/wire.js';
import { codeOfCoordinatorError } from '../errors.js';
import { BenchmarkRef, CUSTOM_PREFIX } from './benchmark.js';
import { builder } from './builder.js';
import { CheckpointRef, checkpointKey } from './checkpoint.js';
import {
  checkLabelFilter,
  checkStatusFilter,
  hasLabels,
  JobStatusEnum,
  type KeyValue,
  KeyValueInput,
  KeyValueRef,
  ListOrderEnum,
  parseId,
  statusFields,
  toKeyValues,
  type UserError,
  UserErrorRef,
  userErrorFrom,
  type Warning,
  WarningRef,
  watcherOf,
} from './common.js';
import { validateUris } from './data.js';
import { loadableNode, loadEach } from './loaders.js';
import { filteredListing, type Listing, resolvePageTokenConnection } from './pagination.js';
import { TrainingJobRef } from './training-job.js';

export const EvaluationRef = loadableNode<Evaluation>('Evaluation', {
  id: { resolve: (evaluation) => evaluation.evaluationId },
  load: (ids, context) => loadEach(ids, (id) => context.api.getEvaluation(id)),
  toKey: (evaluation) => evaluation.evaluationId,
});

EvaluationRef.implement({
  description: 'A scoring run of a trained model (or one of its checkpoints) on one or more benchmarks.',
  fields: (t) => ({
    evaluationId: t.exposeString('evaluationId', { description: 'The coordinator’s id, e.g. eval_51c0.' }),
    ...statusFields(t),
    job: t.field({
      type: TrainingJobRef,
      nullable: true,
      description: 'The evaluated training job (batched, and free when the job was already loaded).',
      resolve: (evaluation) => evaluation.jobId,
    }),
    checkpoint: t.field({
      type: CheckpointRef,
      nullable: true,
      description: 'The scored checkpoint; null when the final model was evaluated.',
      resolve: (evaluation) =>
        evaluation.checkpointId && evaluation.jobId ? checkpointKey(evaluation.jobId, evaluation.checkpointId) : null,
    }),
    modelUri: t.exposeString('modelUri', { nullable: true }),
    benchmarks: t.field({ type: [BenchmarkRef], resolve: (evaluation) => evaluation.benchmarks }),
    score: t.float({
      nullable: true,
      description: 'The score of one benchmark by name; null until scored or if not part of this evaluation.',
      args: { benchmark: t.arg.string({ required: true }) },
      resolve: (evaluation, args) => evaluation.benchmarks.find((b) => b.name === args.benchmark)?.score ?? null,
    }),
    message: t.exposeString('message', { nullable: true }),
    labels: t.field({
      type: [KeyValueRef],
      nullable: true,
      description:
        'The evaluated job’s labels (evaluations carry none of their own, so they group by their job’s), plus any the evaluation record itself carries. Loads the job (batched).',
      resolve: async (evaluation, _args, context) => toKeyValues(await labelsOfEvaluation(context, evaluation)),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (evaluation) => evaluation.createdAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (evaluation) => evaluation.startedAt }),
    completedAt: t.field({ type: 'DateTime', nullable: true, resolve: (evaluation) => evaluation.completedAt }),
    raw: t.field({ type: 'JSON', description: 'The coordinator’s reply as received.', resolve: (e) => e.raw }),
  }),
});

/** The parent job's labels overlaid with the record's own (non-structural) ones. */
async function labelsOfEvaluation(context: Context, evaluation: Evaluation): Promise<StringMap> {
  const own = evaluationLabelsOf(evaluation.raw);
  if (!evaluation.jobId) return own;
  const job = await TrainingJobRef.getDataloader(context).load(evaluation.jobId);
  return { ...job.labels, ...own };
}

/** One connection type for every list of evaluations (root and per job). */
export const EvaluationConnection = builder.connectionObject(
  { type: EvaluationRef, name: 'EvaluationConnection' },
  { name: 'EvaluationEdge' },
);

/** The listing behind both `Query.evaluations` and `TrainingJob.evaluations`: same cursors for the same filters. */
export function evaluationListing(
  context: Context,
  filter: { jobId?: string; status?: readonly string[] | null; orderBy?: OrderBy | null },
): Listing<Evaluation> {
  const status = checkStatusFilter(filter.status);
  const orderBy = filter.orderBy ?? 'created_at desc';
  const jobId = filter.jobId;
  if (jobId === undefined) {
    return {
      identity: ['evaluations', null, status ?? null, orderBy],
      fetchPage: (pageSize, pageToken) => context.api.listEvaluations({ pageSize, pageToken, orderBy, status }),
    };
  }
  // `job_id` is our guess, not the docs': a coordinator may ignore it and list every evaluation.
  // Each item is checked, so another job's evaluation never shows, and pages stay right because
  // they are cut from the coordinator's (whatever it returned) the same way every time.
  let foreignSeen = false;
  return {
    identity: ['evaluations', jobId, status ?? null, orderBy],
    async fetchPage(pageSize, pageToken) {
      const page = await context.api.listEvaluations({ pageSize, pageToken, orderBy, status, jobId });
      const items = page.items.filter((evaluation) => evaluation.jobId === jobId);
      if (items.length < page.items.length) foreignSeen = true;
      return { items, nextPageToken: page.nextPageToken, totalCount: page.totalCount };
    },
    // The coordinator's total is this job's only if it applied the filter: unknown (null) once an
    // item of another job showed up. An unknown deployment is probed once: a job-filtered total
    // below the tenant's proves the filter applied (a coordinator ignoring it answers all of them).
    async checkTotal(reported) {
      const traits = context.api.deployment;
      if (foreignSeen || traits?.jobIdFilterApplied === false) return null;
      if (traits?.jobIdFilterApplied === true || reported === null) return reported;
      try {
        const all = (await context.api.listEvaluations({ pageSize: 1 })).totalCount;
        if (all !== null && reported < all) {
          if (traits) traits.jobIdFilterApplied = true;
          return reported;
        }
        // As many as the whole tenant: all of them this job's, or the filter ignored. One page tells.
        const probe = await context.api.listEvaluations({ pageSize: 100, status, jobId });
        const own = probe.items.filter((evaluation) => evaluation.jobId === jobId).length;
        if (own < probe.items.length) return null;
        return probe.nextPageToken === null ? own : null;
      } catch {
        return null;
      }
    },
  };
}

const EvaluationFilter = builder.inputType('EvaluationFilter', {
  fields: (t) => ({
    jobId: t.id({ required: false, description: 'Only evaluations of this training job (global ID or job_…).' }),
    status: t.field({ type: [JobStatusEnum], required: false }),
    labels: t.field({
      type: [KeyValueInput],
      required: false,
      description:
        'Evaluations whose `labels` (their job’s) include all of these. The gateway filters the coordinator’s pages, loading each distinct job once (at most 500 evaluations read per request; `totalCount` is then null).',
    }),
  }),
});

builder.queryFields((t) => ({
  evaluation: t.field({
    type: EvaluationRef,
    nullable: true,
    description: 'One evaluation by global ID or coordinator id (eval_…).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }) => parseId(id, 'Evaluation'),
  }),
  evaluations: t.connection(
    {
      type: EvaluationRef,
      nullable: true,
      description: 'Evaluations of your tenant. Forward pagination only (`first` 1-100, `after`).',
      args: {
        filter: t.arg({ type: EvaluationFilter, required: false }),
        orderBy: t.arg({ type: ListOrderEnum, required: false, defaultValue: 'created_at desc' }),
      },
      resolve: (_root, args, context, info) => {
        const jobId = args.filter?.jobId == null ? undefined : parseId(args.filter.jobId, 'TrainingJob');
        const labels = checkLabelFilter(args.filter?.labels);
        const listing = evaluationListing(context, { jobId, status: args.filter?.status, orderBy: args.orderBy });
        return resolvePageTokenConnection(
          args,
          labels
            ? filteredListing(listing, labels, async (evaluations) => {
                // One batch for the page: each distinct parent job is loaded once, then cached.
                const settled = await Promise.allSettled(evaluations.map((e) => labelsOfEvaluation(context, e)));
                return settled.map((result) => result.status === 'fulfilled' && hasLabels(result.value, labels));
              })
            : listing,
          info,
        );
      },
    },
    EvaluationConnection,
  ),
}));

// ---- submitEvaluation ------------------------------------------------------------------------

export const BenchmarkInput = builder.inputType('BenchmarkInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'mmlu, humaneval, gsm8k, ... or custom-<name> with a dataset.' }),
    dataset: t.string({
      required: false,
      description: 'Required for custom-* benchmarks: a URI the coordinator can read.',
    }),
    numSamples: t.int({ required: false, description: 'At least 1; the coordinator’s default when omitted.' }),
    parameters: t.field({ type: [KeyValueInput], required: false }),
  }),
});

export interface SubmitInput {
  jobId: string | number;
  modelUri?: string | null;
  checkpointId?: string | null;
  benchmarks: Array<{
    name: string;
    dataset?: string | null;
    numSamples?: number | null;
    parameters?: KeyValue[] | null;
  }>;
  idempotencyKey?: string | null;
}

export interface SubmitPayload {
  evaluationId: string | null;
  userErrors: UserError[];
  warnings: Warning[];
}

function toRequest(jobId: string, input: SubmitInput): EvaluationRequest {
  const benchmarks = input.benchmarks.map((benchmark): BenchmarkSpec => {
    const spec: BenchmarkSpec = { name: benchmark.name };
    if (benchmark.dataset) spec.dataset = benchmark.dataset;
    if (benchmark.numSamples != null) spec.numSamples = benchmark.numSamples;
    if (benchmark.parameters?.length) {
      spec.parameters = Object.fromEntries(benchmark.parameters.map((p) => [p.key, p.value])) as StringMap;
    }
    return spec;
  });
  const request: EvaluationRequest = { jobId, benchmarks };
  if (input.modelUri) request.modelUri = input.modelUri;
  if (input.checkpointId) request.checkpointId = input.checkpointId;
  return request;
}

/** What the docs warn about, checked before anything is sent: errors block, warnings do not. */
function checkInput(input: SubmitInput): { errors: UserError[]; warnings: Warning[] } {
  const errors: UserError[] = [];
  const warnings: Warning[] = [];
  const bad = (field: string[], message: string) => errors.push({ field, message, code: 'BAD_USER_INPUT' });
  if (input.benchmarks.length === 0) bad(['input', 'benchmarks'], 'Name at least one benchmark.');
  const seen = new Set<string>();
  input.benchmarks.forEach((benchmark, index) => {
    const at = ['input', 'benchmarks', String(index)];
    if (!benchmark.name.trim()) bad([...at, 'name'], 'A benchmark needs a name.');
    if (seen.has(benchmark.name)) {
      bad([...at, 'name'], `Benchmark "${benchmark.name}" is listed twice; submit it once.`);
    }
    seen.add(benchmark.name);
    if (benchmark.name.startsWith(CUSTOM_PREFIX) && !benchmark.dataset) {
      bad([...at, 'dataset'], `Custom benchmark "${benchmark.name}" needs a dataset the coordinator can read.`);
    }
    if (benchmark.numSamples != null && benchmark.numSamples < 1) {
      bad([...at, 'numSamples'], 'numSamples must be at least 1.');
    }
    const keys = new Set<string>();
    for (const { key, value } of benchmark.parameters ?? []) {
      if (keys.has(key)) bad([...at, 'parameters', key], `Parameter "${key}" is given twice.`);
      keys.add(key);
      if (key === 'temperature' && Number(value) !== 0) {
        warnings.push({
          field: [...at, 'parameters', key],
          message: `temperature is ${value}: scores will not be reproducible; pin it to "0.0" unless sampling is intended.`,
        });
      }
    }
  });
  return { errors, warnings };
}

/** What the pre-check found: a blocking userError, and the model the request should score. */
interface JobCheck {
  userError: UserError | null;
  /** The uri to fill in when the client gave no modelUri, with what it is. */
  model: { uri: string; what: string } | null;
}

const PASS: JobCheck = { userError: null, model: null };

/**
 * Checks the job the way the coordinator will, so the caller gets a precise userError. It only
 * blocks what it knows to be refused; whenever it cannot tell (the job is unreadable with this
 * token, the record has no checkpoints list, the status is unknown) it steps aside and lets the
 * coordinator decide.
 */
async function checkJob(context: Context, jobId: string, input: SubmitInput): Promise<JobCheck> {
  let job: TrainingJob;
  try {
    job = await TrainingJobRef.getDataloader(context).load(jobId);
  } catch (error) {
    // `scaimind:evaluate` without `view` may submit but not read the job.
    if (error instanceof CoordinatorError && codeOfCoordinatorError(error) === 'FORBIDDEN') return PASS;
    if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') {
      return { userError: { field: ['input', 'jobId'], message: error.message, code: 'NOT_FOUND' }, model: null };
    }
    const userError = userErrorFrom(error, ['input', 'jobId']);
    if (userError) return { userError, model: null };
    throw error;
  }
  if (input.checkpointId) {
    // The docs: a job that "at least produced a checkpoint" can be scored at it, whatever its status.
    const checkpoint = job.checkpoints.find((c) => c.checkpointId === input.checkpointId);
    if (checkpoint !== undefined) {
      return {
        userError: null,
        model: checkpoint.uri ? { uri: checkpoint.uri, what: `checkpoint ${checkpoint.checkpointId}` } : null,
      };
    }
    if (!job.checkpointsListed) return PASS;
    return {
      userError: {
        field: ['input', 'checkpointId'],
        message: `Job ${jobId} has no checkpoint ${input.checkpointId}.`,
        code: 'BAD_USER_INPUT',
      },
      model: null,
    };
  }
  const output = job.outputModelUri ? { uri: job.outputModelUri, what: "the job's output model" } : null;
  if (job.status === 'COMPLETED' || job.status === 'UNKNOWN') return { userError: null, model: output };
  return {
    userError: {
      field: ['input', 'jobId'],
      message: `Job ${jobId} is ${job.status}: evaluate it once COMPLETED, or name one of its checkpoints.`,
      code: 'CONFLICT',
    },
    model: null,
  };
}

/**
 * The docs' precheck for custom benchmarks: one data validation call for every custom dataset.
 * Validation needs scaimind:manage, which an evaluator may lack; then the coordinator's own check
 * at submit time is all there is, so a 403 here skips the precheck instead of failing the submit.
 */
async function checkCustomDatasets(context: Context, input: SubmitInput): Promise<UserError[]> {
  const custom = input.benchmarks.flatMap((benchmark, index) =>
    benchmark.name.startsWith(CUSTOM_PREFIX) && benchmark.dataset ? [{ index, dataset: benchmark.dataset }] : [],
  );
  if (custom.length === 0) return [];
  let results: Awaited<ReturnType<typeof validateUris>>;
  try {
    results = await validateUris(
      (uris) => context.api.validateData(uris),
      custom.map((entry) => entry.dataset),
    );
  } catch (error) {
    if (error instanceof CoordinatorError && codeOfCoordinatorError(error) === 'FORBIDDEN') return [];
    throw error;
  }
  return results.flatMap((result, i) =>
    result.ok
      ? []
      : [
          {
            field: ['input', 'benchmarks', String(custom[i]?.index), 'dataset'],
            message: `Dataset ${result.uri} cannot be read: ${result.message ?? 'the coordinator refused it'}.`,
            code: 'BAD_USER_INPUT' as const,
          },
        ],
  );
}

function fingerprint(request: EvaluationRequest): string {
  // Key order is fixed by toRequest, so equal inputs serialise equally.
  return createHash('sha256').update(JSON.stringify(request)).digest('base64url');
}

/** The whole submit path (checks, job state, idempotency, the POST); `scoreCheckpoints` runs it per checkpoint. */
export async function submitEvaluation(context: Context, input: SubmitInput): Promise<SubmitPayload> {
  const { errors, warnings } = checkInput(input);
  if (errors.length) return { evaluationId: null, userErrors: errors, warnings };
  const jobId = parseId(input.jobId, 'TrainingJob');
  const check = await checkJob(context, jobId, input);
  if (check.userError) return { evaluationId: null, userErrors: [check.userError], warnings };
  const datasetErrors = await checkCustomDatasets(context, input);
  if (datasetErrors.length) return { evaluationId: null, userErrors: datasetErrors, warnings };

  const request = toRequest(jobId, input);
  // model_uri is required by the docs; a client may leave it to us.
  if (request.modelUri === undefined && check.model !== null) {
    request.modelUri = check.model.uri;
    warnings.push({
      field: ['input', 'modelUri'],
      message: `modelUri was not given: scoring ${check.model.uri}, ${check.model.what}.`,
    });
  }
  const post = async () => (await context.api.submitEvaluation(request)).evaluationId;
  try {
    if (!input.idempotencyKey) return { evaluationId: await post(), userErrors: [], warnings };
    if (input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return {
        evaluationId: null,
        userErrors: [
          {
            field: ['input', 'idempotencyKey'],
            message: `An idempotency key is at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long (a UUID is 36).`,
            code: 'BAD_USER_INPUT',
          },
        ],
        warnings,
      };
    }
    const key = `${context.credentialScope}:${input.idempotencyKey}`;
    const outcome = await context.idempotency.run(key, fingerprint(request), post);
    if (outcome.kind === 'mismatch') {
      return {
        evaluationId: null,
        userErrors: [
          {
            field: ['input', 'idempotencyKey'],
            message: 'This idempotency key was used with a different input in the last 24 hours; use a new key.',
            code: 'IDEMPOTENCY_KEY_REUSED',
          },
        ],
        warnings,
      };
    }
    return { evaluationId: outcome.value, userErrors: [], warnings };
  } catch (error) {
    const userError = userErrorFrom(error);
    if (!userError) throw error;
    return { evaluationId: null, userErrors: [userError], warnings };
  }
}

/** Idempotency keys are kept for 24 h per credential: their size is bounded, whatever clients send. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

builder.relayMutationField(
  'submitEvaluation',
  {
    inputFields: (t) => ({
      jobId: t.id({ required: true, description: 'The training job to evaluate (global ID or job_…).' }),
      modelUri: t.string({ required: false, description: 'Defaults to the job’s output model or the checkpoint.' }),
      checkpointId: t.string({ required: false, description: 'Score this checkpoint; omit for the final model.' }),
      benchmarks: t.field({ type: [BenchmarkInput], required: true }),
      idempotencyKey: t.string({
        required: false,
        description: 'Retrying with the same key and input within 24 h returns the same evaluation, submitted once.',
      }),
    }),
  },
  {
    description:
      'Submit one evaluation of a completed job (or a checkpoint) on several benchmarks. Checked before it is sent; never retried.',
    resolve: (_root, args, context) => submitEvaluation(context, args.input as SubmitInput),
  },
  {
    outputFields: (t) => ({
      evaluation: t.field({
        type: EvaluationRef,
        nullable: true,
        resolve: (payload: SubmitPayload) => payload.evaluationId,
      }),
      userErrors: t.field({ type: [UserErrorRef], resolve: (payload: SubmitPayload) => payload.userErrors }),
      warnings: t.field({ type: [WarningRef], resolve: (payload: SubmitPayload) => payload.warnings }),
    }),
  },
);

builder.subscriptionField('evaluationUpdated', (t) =>
  t.field({
    type: EvaluationRef,
    description:
      'The evaluation now, then each visible change (status, results, message); completes after a terminal status.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) =>
      context.live.watch('evaluation', parseId(id, 'Evaluation'), watcherOf(context)),
    resolve: (evaluation: Evaluation) => evaluation,
  }),
);
