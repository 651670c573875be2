/**
 * `submitTrainingJob`: the documented `POST /jobs` body as typed input, checked before it is sent,
 * idempotent under a key, and safe against the docs' ambiguous 504 (the job may exist anyway).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { isAmbiguousFailure } from '../coordinator/api.js';
import {
  FRAMEWORK_TRAINING_TYPES,
  FRAMEWORKS,
  type StringMap,
  TRAINING_TYPES,
  type TrainingJob,
  type TrainingJobRequest,
} from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { gatewayError } from '../errors.js';
import { builder } from './builder.js';
import {
  type KeyValue,
  KeyValueInput,
  type UserError,
  UserErrorRef,
  userErrorFrom,
  type Warning,
  WarningRef,
} from './common.js';
import { validateUris } from './data.js';
import { TrainingJobRef } from './training-job.js';

export const TrainingTypeEnum = builder.enumType('TrainingType', { values: TRAINING_TYPES });
export const FrameworkTypeEnum = builder.enumType('FrameworkType', {
  description: 'The training framework. Not every framework runs every training type (see `submitTrainingJob`).',
  values: FRAMEWORKS,
});

/**
 * The label every submission carries, so that after an ambiguous failure the gateway can tell
 * whether the coordinator created the job (it has no idempotency of its own).
 */
export const SUBMISSION_LABEL = 'scaimind-gateway-submission';
/** How far back the lookup reads the newest-first job list. */
const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_PAGES = 2;

// ---- Input ------------------------------------------------------------------------------------

const BaseModelInput = builder.inputType('BaseModelInput', {
  fields: (t) => ({
    modelId: t.string({ required: true, description: 'e.g. meta-llama/Llama-3.1-8B.' }),
    revision: t.string({ required: false }),
    source: t.string({ required: false, description: 'Where the model comes from (hub, scaidrive://…).' }),
    tokenizerId: t.string({ required: false }),
    dtype: t.string({ required: false, description: 'e.g. bfloat16.' }),
    trustRemoteCode: t.boolean({ required: false }),
  }),
});

const DistributedInput = builder.inputType('DistributedInput', {
  fields: (t) => ({
    worldSize: t.int({ required: false }),
    backend: t.string({ required: false, description: 'e.g. nccl.' }),
    strategy: t.string({ required: false, description: 'e.g. zero3, fsdp_full_shard.' }),
    config: t.field({
      type: 'JSON',
      required: false,
      description: 'A flat object of string values, e.g. {"zero_stage": "3"}.',
    }),
  }),
});

const FrameworkInput = builder.inputType('FrameworkInput', {
  fields: (t) => ({
    type: t.field({ type: FrameworkTypeEnum, required: true }),
    config: t.field({
      type: 'JSON',
      required: false,
      description: 'A flat object of string values, e.g. {"gradient_checkpointing": "true"}.',
    }),
    distributed: t.field({ type: DistributedInput, required: false }),
    customScriptPath: t.string({ required: false, description: 'Required when `type` is CUSTOM.' }),
  }),
});

const TrainingConfigInput = builder.inputType('TrainingConfigInput', {
  fields: (t) => ({
    trainingType: t.field({ type: TrainingTypeEnum, required: true }),
    baseModel: t.field({ type: BaseModelInput, required: true }),
    framework: t.field({ type: FrameworkInput, required: true }),
    hyperparameters: t.field({
      type: [KeyValueInput],
      required: false,
      description: 'String values, e.g. learning_rate = "2e-4". Unknown keys are refused by the coordinator.',
    }),
    environment: t.field({ type: [KeyValueInput], required: false }),
    resumeFromCheckpoint: t.string({ required: false, description: 'A checkpoint id or URI to start from.' }),
    maxRetries: t.int({ required: false, description: 'Automatic re-queues after preemption (0 or more).' }),
    priority: t.int({ required: false, description: '0-10; the coordinator’s default is 5.' }),
  }),
});

const DataSourceInput = builder.inputType('DataSourceInput', {
  fields: (t) => ({
    path: t.string({
      required: true,
      description: 'A URI the coordinator can read, e.g. scaidrive://acme/data/x.jsonl.',
    }),
    type: t.string({ required: false }),
    split: t.string({ required: false, description: 'e.g. train.' }),
    format: t.string({ required: false, description: 'e.g. jsonl, parquet.' }),
  }),
});

const DataConfigInput = builder.inputType('DataConfigInput', {
  fields: (t) => ({
    sources: t.field({ type: [DataSourceInput], required: true, description: 'At least one.' }),
    maxSeqLength: t.int({ required: false }),
    batchSize: t.int({ required: false }),
    gradientAccumulationSteps: t.int({ required: false }),
    validationSplit: t.float({ required: false, description: 'From 0 to 1.' }),
    seed: t.int({ required: false }),
  }),
});

const ResourceConfigInput = builder.inputType('ResourceConfigInput', {
  fields: (t) => ({
    gpuCount: t.int({ required: true, description: 'At least 1.' }),
    gpuType: t.string({ required: false, description: 'One of `cluster.gpuTypes`, e.g. H100.' }),
    nodeCount: t.int({ required: false }),
  }),
});

const OutputConfigInput = builder.inputType('OutputConfigInput', {
  fields: (t) => ({
    outputUri: t.string({ required: false }),
    checkpointEverySteps: t.int({ required: false }),
    keepCheckpoints: t.int({ required: false }),
  }),
});

const SchedulingConfigInput = builder.inputType('SchedulingConfigInput', {
  fields: (t) => ({
    preemptible: t.boolean({ required: false }),
    maxWaitSeconds: t.int({ required: false }),
  }),
});

type Maybe<T> = T | null | undefined;

interface SubmitInput {
  name: string;
  trainingConfig: {
    trainingType: (typeof TRAINING_TYPES)[number];
    baseModel: {
      modelId: string;
      revision?: Maybe<string>;
      source?: Maybe<string>;
      tokenizerId?: Maybe<string>;
      dtype?: Maybe<string>;
      trustRemoteCode?: Maybe<boolean>;
    };
    framework: {
      type: (typeof FRAMEWORKS)[number];
      config?: unknown;
      distributed?: Maybe<{
        worldSize?: Maybe<number>;
        backend?: Maybe<string>;
        strategy?: Maybe<string>;
        config?: unknown;
      }>;
      customScriptPath?: Maybe<string>;
    };
    hyperparameters?: Maybe<KeyValue[]>;
    environment?: Maybe<KeyValue[]>;
    resumeFromCheckpoint?: Maybe<string>;
    maxRetries?: Maybe<number>;
    priority?: Maybe<number>;
  };
  dataConfig: {
    sources: Array<{ path: string; type?: Maybe<string>; split?: Maybe<string>; format?: Maybe<string> }>;
    maxSeqLength?: Maybe<number>;
    batchSize?: Maybe<number>;
    gradientAccumulationSteps?: Maybe<number>;
    validationSplit?: Maybe<number>;
    seed?: Maybe<number>;
  };
  resourceConfig: { gpuCount: number; gpuType?: Maybe<string>; nodeCount?: Maybe<number> };
  outputConfig?: Maybe<{
    outputUri?: Maybe<string>;
    checkpointEverySteps?: Maybe<number>;
    keepCheckpoints?: Maybe<number>;
  }>;
  schedulingConfig?: Maybe<{ preemptible?: Maybe<boolean>; maxWaitSeconds?: Maybe<number> }>;
  labels?: Maybe<KeyValue[]>;
  idempotencyKey?: Maybe<string>;
}

interface SubmitPayload {
  jobId: string | null;
  estimatedWaitSeconds: number | null;
  userErrors: UserError[];
  warnings: Warning[];
}

// ---- Checks -----------------------------------------------------------------------------------

type Path = string[];

class Findings {
  readonly errors: UserError[] = [];
  readonly warnings: Warning[] = [];

  bad(field: Path, message: string): void {
    this.errors.push({ field, message, code: 'BAD_USER_INPUT' });
  }

  warn(field: Path | null, message: string): void {
    this.warnings.push({ field, message });
  }
}

/** A list of KeyValueInput → a map; a key given twice is a mistake worth naming. */
function keyValueMap(entries: Maybe<KeyValue[]>, at: Path, findings: Findings): StringMap | undefined {
  if (!entries?.length) return undefined;
  const map: StringMap = {};
  for (const { key, value } of entries) {
    if (key.trim() === '') findings.bad(at, 'A key must not be empty.');
    else if (key in map) findings.bad([...at, key], `"${key}" is given twice.`);
    map[key] = value;
  }
  return map;
}

/** A JSON map input: the coordinator's maps hold string values only ("3", not 3). */
function jsonStringMap(value: unknown, at: Path, findings: Findings): StringMap | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    findings.bad(at, 'Must be an object of string values, e.g. {"zero_stage": "3"}.');
    return undefined;
  }
  const map: StringMap = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') map[key] = entry;
    else {
      const hint = typeof entry === 'number' || typeof entry === 'boolean' ? ` Send "${String(entry)}".` : '';
      findings.bad([...at, key], `"${key}" must be a string: the coordinator’s maps hold string values only.${hint}`);
    }
  }
  return map;
}

/** The message names the field: the last element of its path. */
function intAtLeast(value: Maybe<number>, min: number, at: Path, findings: Findings): number | undefined {
  if (value == null) return undefined;
  if (value < min) findings.bad(at, `${at.at(-1)} must be at least ${min}.`);
  return value;
}

function text(value: Maybe<string>): string | undefined {
  return value == null || value === '' ? undefined : value;
}

/** Checks what the docs say fails and builds the request; nothing here calls the coordinator. */
function buildRequest(input: SubmitInput, findings: Findings): TrainingJobRequest {
  const training = input.trainingConfig;
  const tc = ['input', 'trainingConfig'];
  if (input.name.trim() === '') findings.bad(['input', 'name'], 'A training job needs a name.');
  if (training.baseModel.modelId.trim() === '') {
    findings.bad([...tc, 'baseModel', 'modelId'], 'Name the base model, e.g. meta-llama/Llama-3.1-8B.');
  }

  const framework = training.framework;
  const fw = [...tc, 'framework'];
  const supported = FRAMEWORK_TRAINING_TYPES[framework.type];
  if (!supported.includes(training.trainingType)) {
    findings.bad(
      [...fw, 'type'],
      `${framework.type} does not support ${training.trainingType} training; it runs ${supported.join(', ')}.`,
    );
  }
  const customScriptPath = text(framework.customScriptPath);
  if (framework.type === 'CUSTOM' && customScriptPath === undefined) {
    findings.bad([...fw, 'customScriptPath'], 'A CUSTOM framework needs the path of its training script.');
  }
  if (framework.type !== 'CUSTOM' && customScriptPath !== undefined) {
    findings.warn([...fw, 'customScriptPath'], `Only a CUSTOM framework runs a script; ${framework.type} ignores it.`);
  }
  const distributed = framework.distributed;
  const distributedConfig = jsonStringMap(distributed?.config, [...fw, 'distributed', 'config'], findings);
  if (distributed?.worldSize != null)
    intAtLeast(distributed.worldSize, 1, [...fw, 'distributed', 'worldSize'], findings);

  if (training.priority != null && (training.priority < 0 || training.priority > 10)) {
    findings.bad([...tc, 'priority'], 'priority must be from 0 to 10.');
  }
  const maxRetries = intAtLeast(training.maxRetries, 0, [...tc, 'maxRetries'], findings);

  const data = input.dataConfig;
  const dc = ['input', 'dataConfig'];
  if (data.sources.length === 0) findings.bad([...dc, 'sources'], 'Name at least one data source.');
  data.sources.forEach((source, index) => {
    if (source.path.trim() === '')
      findings.bad([...dc, 'sources', String(index), 'path'], 'A data source needs a path.');
  });
  if (data.validationSplit != null && (data.validationSplit < 0 || data.validationSplit > 1)) {
    findings.bad([...dc, 'validationSplit'], 'validationSplit must be from 0 to 1.');
  }
  intAtLeast(data.maxSeqLength, 1, [...dc, 'maxSeqLength'], findings);
  intAtLeast(data.batchSize, 1, [...dc, 'batchSize'], findings);
  intAtLeast(data.gradientAccumulationSteps, 1, [...dc, 'gradientAccumulationSteps'], findings);

  const resources = input.resourceConfig;
  const rc = ['input', 'resourceConfig'];
  if (resources.gpuCount < 1) findings.bad([...rc, 'gpuCount'], 'A training job needs at least 1 GPU.');
  intAtLeast(resources.nodeCount, 1, [...rc, 'nodeCount'], findings);

  const output = input.outputConfig;
  intAtLeast(output?.checkpointEverySteps, 1, ['input', 'outputConfig', 'checkpointEverySteps'], findings);
  intAtLeast(output?.keepCheckpoints, 1, ['input', 'outputConfig', 'keepCheckpoints'], findings);
  const scheduling = input.schedulingConfig;
  intAtLeast(scheduling?.maxWaitSeconds, 1, ['input', 'schedulingConfig', 'maxWaitSeconds'], findings);
  if (scheduling?.preemptible && maxRetries === 0) {
    findings.warn(
      ['input', 'trainingConfig', 'maxRetries'],
      'A preemptible job with maxRetries 0 fails at its first preemption; allow a retry or two.',
    );
  }

  const labels = keyValueMap(input.labels, ['input', 'labels'], findings);
  if (labels && SUBMISSION_LABEL in labels) {
    findings.bad(['input', 'labels', SUBMISSION_LABEL], `The label ${SUBMISSION_LABEL} is set by the gateway.`);
  }
  const model = training.baseModel;
  return {
    name: input.name.trim(),
    trainingConfig: {
      trainingType: training.trainingType,
      baseModel: {
        modelId: model.modelId.trim(),
        revision: text(model.revision),
        source: text(model.source),
        tokenizerId: text(model.tokenizerId),
        dtype: text(model.dtype),
        trustRemoteCode: model.trustRemoteCode ?? undefined,
      },
      framework: {
        type: framework.type,
        config: jsonStringMap(framework.config, [...fw, 'config'], findings),
        distributed: distributed
          ? {
              worldSize: distributed.worldSize ?? undefined,
              backend: text(distributed.backend),
              strategy: text(distributed.strategy),
              config: distributedConfig,
            }
          : undefined,
        customScriptPath,
      },
      hyperparameters: keyValueMap(training.hyperparameters, [...tc, 'hyperparameters'], findings),
      environment: keyValueMap(training.environment, [...tc, 'environment'], findings),
      resumeFromCheckpoint: text(training.resumeFromCheckpoint),
      maxRetries,
      priority: training.priority ?? undefined,
    },
    dataConfig: {
      sources: data.sources.map((source) => ({
        path: source.path.trim(),
        type: text(source.type),
        split: text(source.split),
        format: text(source.format),
      })),
      maxSeqLength: data.maxSeqLength ?? undefined,
      batchSize: data.batchSize ?? undefined,
      gradientAccumulationSteps: data.gradientAccumulationSteps ?? undefined,
      validationSplit: data.validationSplit ?? undefined,
      seed: data.seed ?? undefined,
    },
    resourceConfig: {
      gpuCount: resources.gpuCount,
      gpuType: text(resources.gpuType),
      nodeCount: resources.nodeCount ?? undefined,
    },
    outputConfig: output
      ? {
          outputUri: text(output.outputUri),
          checkpointEverySteps: output.checkpointEverySteps ?? undefined,
          keepCheckpoints: output.keepCheckpoints ?? undefined,
        }
      : undefined,
    schedulingConfig: scheduling
      ? { preemptible: scheduling.preemptible ?? undefined, maxWaitSeconds: scheduling.maxWaitSeconds ?? undefined }
      : undefined,
    labels,
  };
}

/** A 403 on a precheck means the caller may not ask, not that the input is wrong: skip that check. */
function forbidden(error: unknown): boolean {
  return error instanceof CoordinatorError && error.kind === 'http' && error.status === 403;
}

/** The GPU type against the cluster's inventory (GET /cluster). */
async function checkGpuType(context: Context, request: TrainingJobRequest, findings: Findings): Promise<void> {
  const gpuType = request.resourceConfig.gpuType;
  if (gpuType === undefined) return;
  let types: string[];
  try {
    types = (await context.api.getCluster()).gpuTypes.map((usage) => usage.gpuType);
  } catch (error) {
    if (forbidden(error)) return;
    throw error;
  }
  // A coordinator that reports no types gives nothing to check against.
  if (types.length > 0 && !types.includes(gpuType)) {
    findings.bad(
      ['input', 'resourceConfig', 'gpuType'],
      `The cluster has no ${gpuType} GPUs; it has ${types.join(', ')}.`,
    );
  }
}

/** Every data source in one validation call (POST /data/validate). */
async function checkSources(context: Context, request: TrainingJobRequest, findings: Findings): Promise<void> {
  const paths = request.dataConfig.sources.map((source) => source.path);
  let results: Awaited<ReturnType<typeof validateUris>>;
  try {
    results = await validateUris((uris) => context.api.validateData(uris), paths);
  } catch (error) {
    if (forbidden(error)) return;
    throw error;
  }
  results.forEach((result, index) => {
    if (!result.ok) {
      findings.bad(
        ['input', 'dataConfig', 'sources', String(index), 'path'],
        `${result.uri} cannot be read: ${result.message ?? 'the coordinator refused it'}.`,
      );
    }
  });
}

// ---- Submitting -------------------------------------------------------------------------------

interface Submitted {
  jobId: string;
  estimatedWaitSeconds: number | null;
}

/** The newest jobs, looking for the one carrying `marker`: what a lost reply may have created. */
async function findSubmitted(context: Context, marker: string): Promise<TrainingJob | null> {
  let pageToken: string | undefined;
  for (let page = 0; page < LOOKUP_PAGES; page++) {
    const { items, nextPageToken } = await context.api.listJobs({ pageSize: LOOKUP_PAGE_SIZE, pageToken });
    const found = items.find((job) => job.labels[SUBMISSION_LABEL] === marker);
    if (found) return found;
    if (nextPageToken === null) return null;
    pageToken = nextPageToken;
  }
  return null;
}

/**
 * One POST, never two. With an idempotency key, a job left behind by an earlier ambiguous
 * attempt is looked for first. After an ambiguous failure (504, timeout, a connection lost after
 * the request went out, an unreadable success) the job is looked for before anything is reported.
 */
async function submitOnce(
  context: Context,
  request: TrainingJobRequest,
  marker: string,
  keyed: boolean,
  findings: Findings,
): Promise<Submitted> {
  if (keyed) {
    const earlier = await findSubmitted(context, marker);
    if (earlier) return { jobId: earlier.jobId, estimatedWaitSeconds: null };
  }
  try {
    const reply = await context.api.submitJob(request);
    if (!reply.jobId) throw gatewayError('UPSTREAM_UNAVAILABLE', 'The coordinator accepted the job without naming it.');
    return { jobId: reply.jobId, estimatedWaitSeconds: reply.estimatedWaitSeconds };
  } catch (error) {
    if (!isAmbiguousFailure(error)) throw error;
    context.log.warn('job submission failed ambiguously; looking for the job', { marker });
    const found = await findSubmitted(context, marker);
    if (found) {
      findings.warn(
        null,
        'The coordinator did not confirm the submission in time, but the job was created: here it is.',
      );
      return { jobId: found.jobId, estimatedWaitSeconds: null };
    }
    throw gatewayError(
      'UPSTREAM_TIMEOUT',
      keyed
        ? 'The coordinator did not confirm the submission, and no job from it can be found yet. Retry with the same idempotencyKey: the gateway looks for the job before submitting again.'
        : 'The coordinator did not confirm the submission, and no job from it can be found yet. It may still appear: check trainingJobs before resubmitting, or submit with an idempotencyKey.',
    );
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

async function submitTrainingJob(context: Context, input: SubmitInput): Promise<SubmitPayload> {
  const findings = new Findings();
  const request = buildRequest(input, findings);
  const refused = (): SubmitPayload => ({
    jobId: null,
    estimatedWaitSeconds: null,
    userErrors: findings.errors,
    warnings: findings.warnings,
  });
  if (findings.errors.length) return refused();
  await Promise.all([checkGpuType(context, request, findings), checkSources(context, request, findings)]);
  if (findings.errors.length) return refused();

  const key = input.idempotencyKey ? `${context.credentialScope}:trainingJob:${input.idempotencyKey}` : null;
  // Keyed submissions get a marker derived from the key, so a retry can find what an earlier try made.
  const marker = key ? digest(key).slice(0, 32) : randomUUID();
  const fingerprint = digest(JSON.stringify(request));
  request.labels = { ...request.labels, [SUBMISSION_LABEL]: marker };

  let submitted: Submitted;
  try {
    if (key === null) {
      findings.warn(
        ['input', 'idempotencyKey'],
        'Submitted without an idempotencyKey: retrying this mutation after a network failure may start a second job.',
      );
      submitted = await submitOnce(context, request, marker, false, findings);
    } else {
      const outcome = await context.idempotency.run(key, fingerprint, async () =>
        JSON.stringify(await submitOnce(context, request, marker, true, findings)),
      );
      if (outcome.kind === 'mismatch') {
        findings.errors.push({
          field: ['input', 'idempotencyKey'],
          message: 'This idempotency key was used with a different input in the last 24 hours; use a new key.',
          code: 'IDEMPOTENCY_KEY_REUSED',
        });
        return refused();
      }
      submitted = JSON.parse(outcome.value) as Submitted;
    }
  } catch (error) {
    const userError = userErrorFrom(error);
    if (!userError) throw error;
    findings.errors.push(userError);
    return refused();
  }
  return { ...submitted, userErrors: [], warnings: findings.warnings };
}

builder.relayMutationField(
  'submitTrainingJob',
  {
    inputFields: (t) => ({
      name: t.string({ required: true }),
      trainingConfig: t.field({ type: TrainingConfigInput, required: true }),
      dataConfig: t.field({ type: DataConfigInput, required: true }),
      resourceConfig: t.field({ type: ResourceConfigInput, required: true }),
      outputConfig: t.field({ type: OutputConfigInput, required: false }),
      schedulingConfig: t.field({ type: SchedulingConfigInput, required: false }),
      labels: t.field({ type: [KeyValueInput], required: false, description: 'String values only.' }),
      idempotencyKey: t.string({
        required: false,
        description:
          'Retrying with the same key and input within 24 h returns the same job, submitted once, even across gateway instances and after a lost reply.',
      }),
    }),
  },
  {
    description: `Submit a training job (needs scaimind:manage). Checked before it is sent: a name, a base model, at least one readable data source (all validated in one call), at least 1 GPU of a type the cluster has, a framework that runs the training type (HF_TRAINER: SFT, LORA, QLORA, DPO, RLHF, FULL_FINETUNE; DEEPSPEED: all but QLORA; FSDP: all but RLHF; MEGATRON: SFT, CONTINUED_PRETRAIN, FULL_FINETUNE; CUSTOM: all, with customScriptPath), string-only maps. Never retried blindly: after an ambiguous coordinator failure the gateway looks for the job before answering. The job carries the label ${SUBMISSION_LABEL} for that.`,
    resolve: (_root, args, context) => submitTrainingJob(context, args.input as unknown as SubmitInput),
  },
  {
    outputFields: (t) => ({
      trainingJob: t.field({
        type: TrainingJobRef,
        nullable: true,
        resolve: (payload: SubmitPayload) => payload.jobId,
      }),
      estimatedWaitSeconds: t.int({
        nullable: true,
        description: 'The coordinator’s estimate of the wait before the job starts (null when replayed or recovered).',
        resolve: (payload: SubmitPayload) => payload.estimatedWaitSeconds,
      }),
      userErrors: t.field({ type: [UserErrorRef], resolve: (payload: SubmitPayload) => payload.userErrors }),
      warnings: t.field({ type: [WarningRef], resolve: (payload: SubmitPayload) => payload.warnings }),
    }),
  },
);
