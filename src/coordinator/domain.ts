/**
 * Domain types: what the rest of the gateway sees of the coordinator.
 * `wire.ts` turns every reply variant into these shapes once; nothing outside
 * `coordinator/` reads wire JSON except through the `raw` fields.
 *
 * All values are plain JSON (timestamps as RFC 3339 strings) so that a domain
 * object can travel through a pub/sub channel and come back identical.
 */

export const JOB_STATUSES = [
  'PENDING',
  'QUEUED',
  'SCHEDULING',
  'PREPARING',
  'TRAINING',
  'CHECKPOINTING',
  'PAUSED',
  'EVALUATING',
  'EXPORTING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'PREEMPTED',
] as const;

export type KnownJobStatus = (typeof JOB_STATUSES)[number];
/** A coordinator status, or `UNKNOWN` when the coordinator sent one we do not know (raw value kept). */
export type JobStatus = KnownJobStatus | 'UNKNOWN';

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export type Phase = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const TRAINING_TYPES = ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'] as const;
export const FRAMEWORKS = ['HF_TRAINER', 'DEEPSPEED', 'FSDP', 'MEGATRON', 'CUSTOM'] as const;

/**
 * Which training types each framework runs. The docs say a mismatch is a 400 but do not list the
 * pairs; this table is the project's (the emulator keeps its own copy, as an upstream would).
 */
export const FRAMEWORK_TRAINING_TYPES: Readonly<
  Record<(typeof FRAMEWORKS)[number], ReadonlyArray<(typeof TRAINING_TYPES)[number]>>
> = {
  HF_TRAINER: ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'FULL_FINETUNE'],
  DEEPSPEED: ['SFT', 'LORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
  FSDP: ['SFT', 'LORA', 'QLORA', 'DPO', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
  MEGATRON: ['SFT', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
  CUSTOM: ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
};

export const ORDER_BY = ['created_at desc', 'created_at asc', 'name asc', 'name desc'] as const;
export type OrderBy = (typeof ORDER_BY)[number];

/** Protobuf maps of the coordinator hold string values only. */
export type StringMap = Record<string, string>;

export interface Progress {
  currentStep: number | null;
  totalSteps: number | null;
  epoch: number | null;
}

export interface Checkpoint {
  checkpointId: string;
  /** The training job that produced it (filled in by the normaliser from the parent job). */
  jobId: string;
  step: number | null;
  epoch: number | null;
  uri: string | null;
  createdAt: string | null;
}

export interface TrainingJob {
  jobId: string;
  name: string | null;
  status: JobStatus;
  /** The status exactly as the coordinator sent it (enum name or number, as text). */
  rawStatus: string;
  labels: StringMap;
  trainingType: string | null;
  framework: string | null;
  baseModel: string | null;
  priority: number | null;
  gpuCount: number | null;
  gpuType: string | null;
  dataSources: string[];
  progress: Progress | null;
  queuePosition: number | null;
  checkpoints: Checkpoint[];
  /**
   * False when the coordinator sent no `checkpoints` list at all: then `checkpoints` is empty
   * because nothing is known, not because the job has none.
   */
  checkpointsListed: boolean;
  outputModelUri: string | null;
  message: string | null;
  maxRetries: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  raw: unknown;
}

/** One benchmark of an evaluation: the requested spec merged with its result (matched by name). */
export interface BenchmarkResult {
  name: string;
  dataset: string | null;
  numSamples: number | null;
  parameters: StringMap;
  /** null until the coordinator reports a result for this benchmark. */
  status: JobStatus | null;
  rawStatus: string | null;
  score: number | null;
  metrics: Record<string, number>;
  raw: unknown;
}

export interface Evaluation {
  evaluationId: string;
  /** The evaluated training job (null when the coordinator did not say). */
  jobId: string | null;
  modelUri: string | null;
  /** null when the final model is evaluated (the coordinator sends "" or nothing). */
  checkpointId: string | null;
  status: JobStatus;
  rawStatus: string;
  benchmarks: BenchmarkResult[];
  createdAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  message: string | null;
  raw: unknown;
}

export interface Page<T> {
  items: T[];
  /** null on the last page (the coordinator sends it missing, null or ""). */
  nextPageToken: string | null;
  totalCount: number | null;
}

export interface JobMetrics {
  jobId: string;
  step: number | null;
  /** Metric name → value (loss, learning_rate, throughput, ...). */
  values: Record<string, number>;
  recordedAt: string | null;
  raw: unknown;
}

/** One line of a training job's log stream. */
export interface LogLine {
  /** The coordinator's event id (a rising sequence number): what a resume starts after. */
  sequence: string | null;
  timestamp: string | null;
  /** INFO, WARN, ERROR, ... as the coordinator spells it. */
  level: string | null;
  message: string;
  step: number | null;
}

/** One metrics snapshot of a training job's metrics stream. */
export interface MetricsSnapshot {
  /** The coordinator's event id (a rising sequence number). */
  sequence: string | null;
  step: number | null;
  recordedAt: string | null;
  /** Metric name → value; values that are not numbers are left out. */
  values: Record<string, number>;
}

/** What one read of an event stream delivered: items in order; `done` once the job is terminal. */
export interface StreamChunk<T> {
  items: T[];
  done: boolean;
}

/** Where a stream read starts: after `since` when given, else with the last `tail` items. */
export interface StreamPosition {
  since: string | null;
  /** Logs only; the coordinator's default (100) when omitted. */
  tail?: number;
  /** Silence after which the connection counts as dropped (the coordinator sends heartbeats). */
  idleTimeoutMs: number;
}

/** What waits in the shared scheduling queue: a training job or an evaluation. */
export type WorkloadType = 'TRAINING' | 'EVALUATION' | 'UNKNOWN';

export interface QueueEntry {
  /** The job's or the evaluation's coordinator id. */
  workloadId: string;
  type: WorkloadType;
  /** 1-based; 0 while not in the queue yet (PENDING). */
  position: number | null;
  priority: number | null;
  enqueuedAt: string | null;
}

export interface QueueInfo {
  depth: number;
  byStatus: Record<string, number>;
  entries: QueueEntry[];
  raw: unknown;
}

export interface GpuTypeUsage {
  gpuType: string;
  total: number | null;
  inUse: number | null;
}

export interface ClusterInfo {
  nodesTotal: number | null;
  nodesReady: number | null;
  gpusTotal: number | null;
  gpusInUse: number | null;
  gpuTypes: GpuTypeUsage[];
  queueDepth: number | null;
  raw: unknown;
}

export const NODE_STATUSES = ['READY', 'DRAINING', 'DRAINED', 'DOWN'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number] | 'UNKNOWN';

export interface ClusterNode {
  nodeId: string;
  status: NodeStatus;
  rawStatus: string;
  gpuType: string | null;
  gpuCount: number | null;
  gpusInUse: number | null;
  /** Only the caller's own jobs: the coordinator does not name other tenants' work. */
  runningJobIds: string[];
  raw: unknown;
}

export interface CachedDataset {
  uri: string;
  sizeBytes: number | null;
  cachedAt: string | null;
}

export interface DataValidationResult {
  uri: string;
  ok: boolean;
  message: string | null;
}

export interface SubmittedEvaluation {
  evaluationId: string;
  status: JobStatus;
  rawStatus: string;
}

/** The body of `POST /jobs`, in domain terms (the api layer spells it the coordinator's way). */
export interface TrainingJobRequest {
  name: string;
  trainingConfig: {
    trainingType: string;
    baseModel: {
      modelId: string;
      revision?: string;
      source?: string;
      tokenizerId?: string;
      dtype?: string;
      trustRemoteCode?: boolean;
    };
    framework: {
      type: string;
      config?: StringMap;
      distributed?: { worldSize?: number; backend?: string; strategy?: string; config?: StringMap };
      customScriptPath?: string;
    };
    hyperparameters?: StringMap;
    environment?: StringMap;
    resumeFromCheckpoint?: string;
    maxRetries?: number;
    priority?: number;
  };
  dataConfig: {
    sources: Array<{ path: string; type?: string; split?: string; format?: string }>;
    maxSeqLength?: number;
    batchSize?: number;
    gradientAccumulationSteps?: number;
    validationSplit?: number;
    seed?: number;
  };
  resourceConfig: { gpuCount: number; gpuType?: string; nodeCount?: number };
  outputConfig?: { outputUri?: string; checkpointEverySteps?: number; keepCheckpoints?: number };
  schedulingConfig?: { preemptible?: boolean; maxWaitSeconds?: number };
  labels?: StringMap;
}

/** The reply of `POST /jobs`. */
export interface SubmittedJob {
  jobId: string;
  status: JobStatus;
  rawStatus: string;
  message: string | null;
  estimatedWaitSeconds: number | null;
}

export interface BenchmarkSpec {
  name: string;
  dataset?: string;
  numSamples?: number;
  parameters?: StringMap;
}

export interface EvaluationRequest {
  jobId: string;
  modelUri?: string;
  /** Omitted or "" means the final model. */
  checkpointId?: string;
  benchmarks: BenchmarkSpec[];
}

export interface ListParams {
  pageSize?: number;
  pageToken?: string;
  orderBy?: OrderBy;
  status?: readonly string[];
}

export interface ListEvaluationsParams extends ListParams {
  jobId?: string;
}

/** What the coordinator's rate-limit headers said on the latest reply. */
export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Seconds until the window resets. */
  resetSeconds: number | null;
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function phaseOf(status: JobStatus): Phase {
  switch (status) {
    case 'PENDING':
    case 'QUEUED':
    case 'PREEMPTED':
      return 'QUEUED';
    case 'COMPLETED':
      return 'SUCCEEDED';
    case 'FAILED':
      return 'FAILED';
    case 'CANCELLED':
      return 'CANCELLED';
    default:
      return 'RUNNING';
  }
}
