import type { Status } from './vocabulary.js';

/**
 * What the store keeps. Times are simulated epoch ms. A job's future is precomputed as a timeline
 * of segments whenever it is created or acted upon; reads only look up the segment covering `now`.
 */

export interface CheckpointRecord {
  checkpointId: string;
  step: number;
  epoch: number;
  uri: string;
  /** When the checkpoint finished saving (it is visible from then on). */
  createdAt: number;
}

export interface Segment {
  status: Status;
  start: number;
  /** Infinity for the open-ended last segment (terminal or PAUSED). */
  end: number;
  /** Training progress moves linearly from stepFrom to stepTo over the segment (equal outside TRAINING). */
  stepFrom: number;
  stepTo: number;
  message: string;
  /** Automatic re-queues after preemption spent so far. */
  retries: number;
  /** A checkpoint saved by this (CHECKPOINTING) segment, visible once the segment ends. */
  checkpoint?: Omit<CheckpointRecord, 'createdAt'>;
}

/** Static shape of a job's training run, derived from its id (so the same seed, the same story). */
export interface JobPlan {
  totalSteps: number;
  numEpochs: number;
  checkpointEvery: number;
  msPerStep: number;
  pendingMs: number;
  queuedMs: number;
  schedulingMs: number;
  preparingMs: number;
  checkpointingMs: number;
  evaluatingMs: number;
  exportingMs: number;
  preemptedMs: number;
}

/** How the first run of a job ends; later runs (resume, retry) always complete. */
export type Outcome = 'complete' | 'fail' | 'preempt';

/** `training_config.framework` [doc]: `custom_script_path` is required when `type` is CUSTOM. */
export interface FrameworkRecord {
  type: string;
  config: Record<string, string>;
  distributed?: { worldSize: number; backend: string; strategy: string; config: Record<string, string> };
  customScriptPath?: string;
}

export interface JobRecord {
  jobId: string;
  tenant: string;
  name: string;
  labels: Record<string, string>;
  trainingType: string;
  framework: FrameworkRecord;
  baseModel: string;
  priority: number;
  hyperparameters: Record<string, string>;
  environment: Record<string, string>;
  dataSources: string[];
  gpuCount: number;
  gpuType: string;
  maxRetries: number;
  plan: JobPlan;
  createdAt: number;
  /** Fixed once a superseded timeline got the job started. */
  startedAt: number | null;
  /** Checkpoints from superseded timelines and explicit saves; the current timeline adds more. */
  checkpoints: CheckpointRecord[];
  timeline: Segment[];
}

export interface BenchmarkRecord {
  name: string;
  dataset?: string;
  numSamples?: number;
  parameters?: Record<string, string>;
}

export interface EvaluationRecord {
  evaluationId: string;
  tenant: string;
  /** Job-shaped list name, e.g. "eval-support-lora-v3-mmlu+2". */
  name: string;
  jobId: string;
  modelUri: string;
  /** "" when the final model is evaluated. */
  checkpointId: string;
  benchmarks: BenchmarkRecord[];
  createdAt: number;
  schedulingAt: number;
  preparingAt: number;
  evaluatingAt: number;
  /** When each benchmark's result lands, in benchmark order. */
  doneAt: number[];
  /** A seeded failure: the evaluation fails while running benchmark `index`. */
  failure?: { index: number; message: string };
}
