/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type BaseModelInput = {
  /** e.g. bfloat16. */
  dtype?: string | null | undefined;
  /** e.g. meta-llama/Llama-3.1-8B. */
  modelId: string;
  revision?: string | null | undefined;
  /** Where the model comes from (hub, scaidrive://…). */
  source?: string | null | undefined;
  tokenizerId?: string | null | undefined;
  trustRemoteCode?: boolean | null | undefined;
};

export type BenchmarkInput = {
  /** Required for custom-* benchmarks: a URI the coordinator can read. */
  dataset?: string | null | undefined;
  /** mmlu, humaneval, gsm8k, ... or custom-<name> with a dataset. */
  name: string;
  /** At least 1; the coordinator’s default when omitted. */
  numSamples?: number | null | undefined;
  parameters?: Array<KeyValueInput> | null | undefined;
};

export type CancelTrainingJobInput = {
  clientMutationId?: string | number | null | undefined;
  id: string | number;
  reason?: string | null | undefined;
};

export type DataConfigInput = {
  batchSize?: number | null | undefined;
  gradientAccumulationSteps?: number | null | undefined;
  maxSeqLength?: number | null | undefined;
  seed?: number | null | undefined;
  /** At least one. */
  sources: Array<DataSourceInput>;
  /** From 0 to 1. */
  validationSplit?: number | null | undefined;
};

export type DataSourceInput = {
  /** e.g. jsonl, parquet. */
  format?: string | null | undefined;
  /** A URI the coordinator can read, e.g. scaidrive://acme/data/x.jsonl. */
  path: string;
  /** e.g. train. */
  split?: string | null | undefined;
  type?: string | null | undefined;
};

export type DistributedInput = {
  /** e.g. nccl. */
  backend?: string | null | undefined;
  /** A flat object of string values, e.g. {"zero_stage": "3"}. */
  config?: unknown;
  /** e.g. zero3, fsdp_full_shard. */
  strategy?: string | null | undefined;
  worldSize?: number | null | undefined;
};

export type FrameworkInput = {
  /** A flat object of string values, e.g. {"gradient_checkpointing": "true"}. */
  config?: unknown;
  /** Required when `type` is CUSTOM. */
  customScriptPath?: string | null | undefined;
  distributed?: DistributedInput | null | undefined;
  type: FrameworkType;
};

/** The training framework. Not every framework runs every training type (see `submitTrainingJob`). */
export type FrameworkType =
  | 'CUSTOM'
  | 'DEEPSPEED'
  | 'FSDP'
  | 'HF_TRAINER'
  | 'MEGATRON';

/** Lifecycle status of a training job or evaluation, as the coordinator reports it. */
export type JobStatus =
  | 'CANCELLED'
  | 'CHECKPOINTING'
  | 'COMPLETED'
  | 'EVALUATING'
  | 'EXPORTING'
  | 'FAILED'
  | 'PAUSED'
  | 'PENDING'
  | 'PREEMPTED'
  | 'PREPARING'
  | 'QUEUED'
  | 'SCHEDULING'
  | 'TRAINING'
  | 'UNKNOWN';

export type KeyValueInput = {
  key: string;
  /** Always a string, e.g. "0.0", as the coordinator requires. */
  value: string;
};

export type OutputConfigInput = {
  checkpointEverySteps?: number | null | undefined;
  keepCheckpoints?: number | null | undefined;
  outputUri?: string | null | undefined;
};

export type PauseTrainingJobInput = {
  clientMutationId?: string | number | null | undefined;
  id: string | number;
  saveCheckpoint?: boolean | null | undefined;
};

/** A coarse status for simple UIs. */
export type Phase =
  /** Cancelled. */
  | 'CANCELLED'
  /** Failed. */
  | 'FAILED'
  /** Waiting to run (pending, queued, or re-queued after preemption). */
  | 'QUEUED'
  /** Scheduled, preparing, training, paused, evaluating or exporting. */
  | 'RUNNING'
  /** Completed. */
  | 'SUCCEEDED';

export type ResourceConfigInput = {
  /** At least 1. */
  gpuCount: number;
  /** One of `cluster.gpuTypes`, e.g. H100. */
  gpuType?: string | null | undefined;
  nodeCount?: number | null | undefined;
};

export type ResumeTrainingJobInput = {
  checkpointId?: string | null | undefined;
  clientMutationId?: string | number | null | undefined;
  id: string | number;
};

export type RetryTrainingJobInput = {
  checkpointId?: string | null | undefined;
  clientMutationId?: string | number | null | undefined;
  id: string | number;
};

export type SchedulingConfigInput = {
  maxWaitSeconds?: number | null | undefined;
  preemptible?: boolean | null | undefined;
};

export type SubmitEvaluationInput = {
  benchmarks: Array<BenchmarkInput>;
  /** Score this checkpoint; omit for the final model. */
  checkpointId?: string | null | undefined;
  clientMutationId?: string | number | null | undefined;
  /** Retrying with the same key and input within 24 h returns the same evaluation, submitted once. */
  idempotencyKey?: string | null | undefined;
  /** The training job to evaluate (global ID or job_…). */
  jobId: string | number;
  /** Defaults to the job’s output model or the checkpoint. */
  modelUri?: string | null | undefined;
};

export type SubmitTrainingJobInput = {
  clientMutationId?: string | number | null | undefined;
  dataConfig: DataConfigInput;
  /** Retrying with the same key and input within 24 h returns the same job, submitted once, even across gateway instances and after a lost reply. */
  idempotencyKey?: string | null | undefined;
  /** String values only. */
  labels?: Array<KeyValueInput> | null | undefined;
  name: string;
  outputConfig?: OutputConfigInput | null | undefined;
  resourceConfig: ResourceConfigInput;
  schedulingConfig?: SchedulingConfigInput | null | undefined;
  trainingConfig: TrainingConfigInput;
};

export type TrainingConfigInput = {
  baseModel: BaseModelInput;
  environment?: Array<KeyValueInput> | null | undefined;
  framework: FrameworkInput;
  /** String values, e.g. learning_rate = "2e-4". Unknown keys are refused by the coordinator. */
  hyperparameters?: Array<KeyValueInput> | null | undefined;
  /** Automatic re-queues after preemption (0 or more). */
  maxRetries?: number | null | undefined;
  /** 0-10; the coordinator’s default is 5. */
  priority?: number | null | undefined;
  /** A checkpoint id or URI to start from. */
  resumeFromCheckpoint?: string | null | undefined;
  trainingType: TrainingType;
};

export type TrainingJobFilter = {
  /** Jobs carrying all of these labels. The gateway filters the coordinator’s pages (at most 500 jobs read per request; `totalCount` is then null, and `endCursor` resumes where the scan stopped). */
  labels?: Array<KeyValueInput> | null | undefined;
  /** Any of these statuses. */
  status?: Array<JobStatus> | null | undefined;
};

export type TrainingType =
  | 'CONTINUED_PRETRAIN'
  | 'DPO'
  | 'FULL_FINETUNE'
  | 'LORA'
  | 'QLORA'
  | 'RLHF'
  | 'SFT';

export type UserErrorCode =
  /** The input is invalid; `field` says where. */
  | 'BAD_USER_INPUT'
  /** The resource's current state does not allow this action. */
  | 'CONFLICT'
  /** The idempotency key was already used with a different input. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** A referenced resource does not exist for your tenant. */
  | 'NOT_FOUND';

export type EvaluateTargetQueryVariables = Exact<{
  id: string | number;
}>;


export type EvaluateTargetQuery = { trainingJob: { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, outputModelUri: string | null, checkpoints: Array<{ checkpointId: string, step: number | null, epoch: number | null, uri: string | null }> } | null };

export type ValidateDatasetsQueryVariables = Exact<{
  uris: Array<string> | string;
}>;


export type ValidateDatasetsQuery = { validateDataSources: Array<{ uri: string, ok: boolean, message: string | null }> };

export type SubmitEvaluationMutationVariables = Exact<{
  input: SubmitEvaluationInput;
}>;


export type SubmitEvaluationMutation = { submitEvaluation: { evaluation: { id: string, evaluationId: string, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, createdAt: string | null, completedAt: string | null, message: string | null, modelUri: string | null, checkpoint: { checkpointId: string, step: number | null, epoch: number | null } | null, benchmarks: Array<{ name: string, status: JobStatus | null, score: number | null, dataset: string | null, numSamples: number | null }> } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }>, warnings: Array<{ field: Array<string> | null, message: string }> } };

export type RunMetricHistoryQueryVariables = Exact<{
  id: string | number;
  names: Array<string> | string;
}>;


export type RunMetricHistoryQuery = { trainingJob: { id: string, metricHistory: Array<{ name: string, sourcePoints: number, downsampled: boolean, points: Array<{ step: number, value: number }> }> | null } | null };

export type RunMetricsSubscriptionVariables = Exact<{
  id: string | number;
  names?: Array<string> | string | null | undefined;
}>;


export type RunMetricsSubscription = { trainingJobMetrics: { droppedSnapshots: number, snapshots: Array<{ step: number | null, values: Array<{ name: string, value: number }> }> } };

export type RunLogsSubscriptionVariables = Exact<{
  id: string | number;
  tail?: number | null | undefined;
}>;


export type RunLogsSubscription = { trainingJobLogs: { droppedLines: number, lines: Array<{ sequence: string | null, timestamp: string | null, level: string | null, message: string, step: number | null }> } };

export type RunScoreboardQueryVariables = Exact<{
  id: string | number;
}>;


export type RunScoreboardQuery = { trainingJob: { id: string, scoreboard: { benchmarks: Array<string>, complete: boolean, rows: Array<{ isFinalModel: boolean, step: number | null, checkpoint: { checkpointId: string, epoch: number | null } | null, scores: Array<{ benchmark: string, score: number | null, completedAt: string | null, evaluation: { evaluationId: string } | null }> }> } | null } | null };

export type EvaluationRowFragment = { id: string, evaluationId: string, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, createdAt: string | null, completedAt: string | null, message: string | null, modelUri: string | null, checkpoint: { checkpointId: string, step: number | null, epoch: number | null } | null, benchmarks: Array<{ name: string, status: JobStatus | null, score: number | null, dataset: string | null, numSamples: number | null }> };

export type RunLiveFragment = { queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> };

export type RunQueryVariables = Exact<{
  id: string | number;
}>;


export type RunQuery = { trainingJob: { framework: string | null, priority: number | null, dataSources: Array<string>, raw: unknown, queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, resources: { gpuCount: number | null, gpuType: string | null }, evaluations: { totalCount: number | null, edges: Array<{ node: { id: string, evaluationId: string, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, createdAt: string | null, completedAt: string | null, message: string | null, modelUri: string | null, checkpoint: { checkpointId: string, step: number | null, epoch: number | null } | null, benchmarks: Array<{ name: string, status: JobStatus | null, score: number | null, dataset: string | null, numSamples: number | null }> } }> } | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } | null };

export type RunLiveUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type RunLiveUpdatedSubscription = { trainingJobUpdated: { queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } };

export type EvaluationUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type EvaluationUpdatedSubscription = { evaluationUpdated: { id: string, evaluationId: string, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, createdAt: string | null, completedAt: string | null, message: string | null, modelUri: string | null, checkpoint: { checkpointId: string, step: number | null, epoch: number | null } | null, benchmarks: Array<{ name: string, status: JobStatus | null, score: number | null, dataset: string | null, numSamples: number | null }> } };

export type CancelRunMutationVariables = Exact<{
  input: CancelTrainingJobInput;
}>;


export type CancelRunMutation = { cancelTrainingJob: { trainingJob: { queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type PauseRunMutationVariables = Exact<{
  input: PauseTrainingJobInput;
}>;


export type PauseRunMutation = { pauseTrainingJob: { trainingJob: { queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type ResumeRunMutationVariables = Exact<{
  input: ResumeTrainingJobInput;
}>;


export type ResumeRunMutation = { resumeTrainingJob: { trainingJob: { queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type RetryRunMutationVariables = Exact<{
  input: RetryTrainingJobInput;
}>;


export type RetryRunMutation = { retryTrainingJob: { trainingJob: { queuePosition: number | null, startedAt: string | null, completedAt: string | null, outputModelUri: string | null, id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, latestMetrics: { step: number | null, recordedAt: string | null, values: Array<{ name: string, value: number }> } | null, checkpoints: Array<{ id: string, checkpointId: string, step: number | null, epoch: number | null, createdAt: string | null, uri: string | null }>, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type RunRowFragment = { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> };

export type RunsPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: TrainingJobFilter | null | undefined;
}>;


export type RunsPageQuery = { trainingJobs: { totalCount: number | null, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } }> } | null };

export type RunUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type RunUpdatedSubscription = { trainingJobUpdated: { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } };

export type SubmitOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type SubmitOptionsQuery = { cluster: { gpuTypes: Array<{ gpuType: string, available: number | null, total: number | null }> } | null };

export type SubmitTrainingJobMutationVariables = Exact<{
  input: SubmitTrainingJobInput;
}>;


export type SubmitTrainingJobMutation = { submitTrainingJob: { estimatedWaitSeconds: number | null, trainingJob: { id: string, jobId: string, name: string | null, status: JobStatus } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }>, warnings: Array<{ field: Array<string> | null, message: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const EvaluationRowFragmentDoc = new TypedDocumentString(`
    fragment EvaluationRow on Evaluation {
  id
  evaluationId
  status
  rawStatus
  phase
  isTerminal
  createdAt
  completedAt
  message
  modelUri
  checkpoint {
    checkpointId
    step
    epoch
  }
  benchmarks {
    name
    status
    score
    dataset
    numSamples
  }
}
    `, {"fragmentName":"EvaluationRow"}) as unknown as TypedDocumentString<EvaluationRowFragment, unknown>;
export const RunRowFragmentDoc = new TypedDocumentString(`
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}
    `, {"fragmentName":"RunRow"}) as unknown as TypedDocumentString<RunRowFragment, unknown>;
export const RunLiveFragmentDoc = new TypedDocumentString(`
    fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`, {"fragmentName":"RunLive"}) as unknown as TypedDocumentString<RunLiveFragment, unknown>;
export const EvaluateTargetDocument = new TypedDocumentString(`
    query EvaluateTarget($id: ID!) {
  trainingJob(id: $id) {
    id
    jobId
    name
    status
    rawStatus
    phase
    isTerminal
    outputModelUri
    checkpoints {
      checkpointId
      step
      epoch
      uri
    }
  }
}
    `) as unknown as TypedDocumentString<EvaluateTargetQuery, EvaluateTargetQueryVariables>;
export const ValidateDatasetsDocument = new TypedDocumentString(`
    query ValidateDatasets($uris: [String!]!) {
  validateDataSources(uris: $uris) {
    uri
    ok
    message
  }
}
    `) as unknown as TypedDocumentString<ValidateDatasetsQuery, ValidateDatasetsQueryVariables>;
export const SubmitEvaluationDocument = new TypedDocumentString(`
    mutation SubmitEvaluation($input: SubmitEvaluationInput!) {
  submitEvaluation(input: $input) {
    evaluation {
      ...EvaluationRow
    }
    userErrors {
      field
      message
      code
    }
    warnings {
      field
      message
    }
  }
}
    fragment EvaluationRow on Evaluation {
  id
  evaluationId
  status
  rawStatus
  phase
  isTerminal
  createdAt
  completedAt
  message
  modelUri
  checkpoint {
    checkpointId
    step
    epoch
  }
  benchmarks {
    name
    status
    score
    dataset
    numSamples
  }
}`) as unknown as TypedDocumentString<SubmitEvaluationMutation, SubmitEvaluationMutationVariables>;
export const RunMetricHistoryDocument = new TypedDocumentString(`
    query RunMetricHistory($id: ID!, $names: [String!]!) {
  trainingJob(id: $id) {
    id
    metricHistory(names: $names, maxPoints: 1000) {
      name
      sourcePoints
      downsampled
      points {
        step
        value
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunMetricHistoryQuery, RunMetricHistoryQueryVariables>;
export const RunMetricsDocument = new TypedDocumentString(`
    subscription RunMetrics($id: ID!, $names: [String!]) {
  trainingJobMetrics(id: $id, names: $names) {
    droppedSnapshots
    snapshots {
      step
      values {
        name
        value
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunMetricsSubscription, RunMetricsSubscriptionVariables>;
export const RunLogsDocument = new TypedDocumentString(`
    subscription RunLogs($id: ID!, $tail: Int) {
  trainingJobLogs(id: $id, tail: $tail) {
    droppedLines
    lines {
      sequence
      timestamp
      level
      message
      step
    }
  }
}
    `) as unknown as TypedDocumentString<RunLogsSubscription, RunLogsSubscriptionVariables>;
export const RunScoreboardDocument = new TypedDocumentString(`
    query RunScoreboard($id: ID!) {
  trainingJob(id: $id) {
    id
    scoreboard {
      benchmarks
      complete
      rows {
        isFinalModel
        step
        checkpoint {
          checkpointId
          epoch
        }
        scores {
          benchmark
          score
          completedAt
          evaluation {
            evaluationId
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunScoreboardQuery, RunScoreboardQueryVariables>;
export const RunDocument = new TypedDocumentString(`
    query Run($id: ID!) {
  trainingJob(id: $id) {
    ...RunLive
    framework
    priority
    resources {
      gpuCount
      gpuType
    }
    dataSources
    raw
    evaluations(first: 50) {
      totalCount
      edges {
        node {
          ...EvaluationRow
        }
      }
    }
  }
}
    fragment EvaluationRow on Evaluation {
  id
  evaluationId
  status
  rawStatus
  phase
  isTerminal
  createdAt
  completedAt
  message
  modelUri
  checkpoint {
    checkpointId
    step
    epoch
  }
  benchmarks {
    name
    status
    score
    dataset
    numSamples
  }
}
fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RunQuery, RunQueryVariables>;
export const RunLiveUpdatedDocument = new TypedDocumentString(`
    subscription RunLiveUpdated($id: ID!) {
  trainingJobUpdated(id: $id) {
    ...RunLive
  }
}
    fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RunLiveUpdatedSubscription, RunLiveUpdatedSubscriptionVariables>;
export const EvaluationUpdatedDocument = new TypedDocumentString(`
    subscription EvaluationUpdated($id: ID!) {
  evaluationUpdated(id: $id) {
    ...EvaluationRow
  }
}
    fragment EvaluationRow on Evaluation {
  id
  evaluationId
  status
  rawStatus
  phase
  isTerminal
  createdAt
  completedAt
  message
  modelUri
  checkpoint {
    checkpointId
    step
    epoch
  }
  benchmarks {
    name
    status
    score
    dataset
    numSamples
  }
}`) as unknown as TypedDocumentString<EvaluationUpdatedSubscription, EvaluationUpdatedSubscriptionVariables>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($input: CancelTrainingJobInput!) {
  cancelTrainingJob(input: $input) {
    trainingJob {
      ...RunLive
    }
    userErrors {
      field
      message
      code
    }
  }
}
    fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const PauseRunDocument = new TypedDocumentString(`
    mutation PauseRun($input: PauseTrainingJobInput!) {
  pauseTrainingJob(input: $input) {
    trainingJob {
      ...RunLive
    }
    userErrors {
      field
      message
      code
    }
  }
}
    fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<PauseRunMutation, PauseRunMutationVariables>;
export const ResumeRunDocument = new TypedDocumentString(`
    mutation ResumeRun($input: ResumeTrainingJobInput!) {
  resumeTrainingJob(input: $input) {
    trainingJob {
      ...RunLive
    }
    userErrors {
      field
      message
      code
    }
  }
}
    fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<ResumeRunMutation, ResumeRunMutationVariables>;
export const RetryRunDocument = new TypedDocumentString(`
    mutation RetryRun($input: RetryTrainingJobInput!) {
  retryTrainingJob(input: $input) {
    trainingJob {
      ...RunLive
    }
    userErrors {
      field
      message
      code
    }
  }
}
    fragment RunLive on TrainingJob {
  ...RunRow
  queuePosition
  startedAt
  completedAt
  outputModelUri
  latestMetrics {
    step
    recordedAt
    values {
      name
      value
    }
  }
  checkpoints {
    id
    checkpointId
    step
    epoch
    createdAt
    uri
  }
}
fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RetryRunMutation, RetryRunMutationVariables>;
export const RunsPageDocument = new TypedDocumentString(`
    query RunsPage($first: Int!, $after: String, $filter: TrainingJobFilter) {
  trainingJobs(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...RunRow
      }
    }
  }
}
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RunsPageQuery, RunsPageQueryVariables>;
export const RunUpdatedDocument = new TypedDocumentString(`
    subscription RunUpdated($id: ID!) {
  trainingJobUpdated(id: $id) {
    ...RunRow
  }
}
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RunUpdatedSubscription, RunUpdatedSubscriptionVariables>;
export const SubmitOptionsDocument = new TypedDocumentString(`
    query SubmitOptions {
  cluster {
    gpuTypes {
      gpuType
      available
      total
    }
  }
}
    `) as unknown as TypedDocumentString<SubmitOptionsQuery, SubmitOptionsQueryVariables>;
export const SubmitTrainingJobDocument = new TypedDocumentString(`
    mutation SubmitTrainingJob($input: SubmitTrainingJobInput!) {
  submitTrainingJob(input: $input) {
    trainingJob {
      id
      jobId
      name
      status
    }
    estimatedWaitSeconds
    userErrors {
      field
      message
      code
    }
    warnings {
      field
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SubmitTrainingJobMutation, SubmitTrainingJobMutationVariables>;