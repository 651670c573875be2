import { failedPrecondition, invalidArgument } from './errors.js';
import { unitHash } from './prng.js';
import type { CheckpointRecord, JobPlan, JobRecord, Outcome, Segment } from './records.js';
import { PAUSABLE, RETRYABLE, type Status, TERMINAL } from './vocabulary.js';

/**
 * Durations chosen so that at speed 1 a new job takes roughly 3-5 minutes end to end. `scale`
 * stretches everything (the seed uses it so old jobs look like they ran for hours).
 */
export function planFor(jobId: string, scale = 1): JobPlan {
  const h = (part: string) => unitHash(jobId, part);
  // Whole seconds keep every derived timestamp free of fractions.
  const seconds = (ms: number) => Math.max(1000, Math.round(ms / 1000) * 1000);
  const totalSteps = 1000 + Math.round(h('steps') * 40) * 100;
  const checkpoints = 2 + Math.floor(h('ckpts') * 3);
  const trainingMs = (100_000 + h('train') * 60_000) * scale;
  return {
    totalSteps,
    numEpochs: 1 + Math.floor(h('epochs') * 3),
    checkpointEvery: Math.max(50, Math.round(totalSteps / (checkpoints + 1) / 50) * 50),
    msPerStep: trainingMs / totalSteps,
    pendingMs: seconds((4_000 + h('pending') * 4_000) * scale),
    queuedMs: seconds((12_000 + h('queued') * 12_000) * scale),
    schedulingMs: seconds((8_000 + h('scheduling') * 6_000) * scale),
    preparingMs: seconds((15_000 + h('preparing') * 10_000) * scale),
    checkpointingMs: seconds((6_000 + h('checkpointing') * 4_000) * scale),
    evaluatingMs: seconds((12_000 + h('evaluating') * 8_000) * scale),
    exportingMs: seconds((8_000 + h('exporting') * 6_000) * scale),
    preemptedMs: seconds(15_000 * scale),
  };
}

/** Label that forces the first run's outcome; an emulator-only knob for tests and demos. */
export const OUTCOME_LABEL = 'emulator-outcome';

/** Most jobs complete; the rest fail or get preempted, decided by the id alone unless the label says. */
export function outcomeFor(jobId: string, labels: Record<string, string>): Outcome {
  const forced = labels[OUTCOME_LABEL];
  if (forced === 'complete' || forced === 'fail' || forced === 'preempt') return forced;
  const roll = unitHash(jobId, 'outcome');
  if (roll < 0.8) return 'complete';
  return roll < 0.9 ? 'fail' : 'preempt';
}

export function epochAt(plan: JobPlan, step: number): number {
  if (step <= 0) return 0;
  return Math.min(plan.numEpochs, Math.ceil((step / plan.totalSteps) * plan.numEpochs));
}

export function outputModelUri(job: JobRecord): string {
  return `scaidrive://${job.tenant}/models/${job.name}/`;
}

function checkpointUri(job: JobRecord, step: number): string {
  return `scaidrive://${job.tenant}/checkpoints/${job.name}/step-${step}/`;
}

function resources(job: JobRecord): string {
  return `${job.gpuCount}x ${job.gpuType}`;
}

export interface RunOptions {
  start: number;
  /** Where the run enters the lifecycle: a new job, a retry, or a resume. */
  from: 'PENDING' | 'QUEUED' | 'SCHEDULING';
  startStep: number;
  outcome: Outcome;
  retries: number;
}

/**
 * Precomputes one run of a job from `start` to its terminal segment. Preemption inside the run
 * re-queues (resuming from the latest checkpoint) until `maxRetries` is spent, then fails.
 */
export function buildRun(job: JobRecord, options: RunOptions): Segment[] {
  const { plan } = job;
  const segments: Segment[] = [];
  let t = options.start;
  let step = options.startStep;
  let retries = options.retries;
  let lastCheckpointStep = options.startStep;
  let checkpointNumber = job.checkpoints.length;
  let preemptPending = options.outcome === 'preempt';
  const failInPreparing = options.outcome === 'fail' && unitHash(job.jobId, 'fail-where') < 0.25;
  const failAtStep = Math.max(step + 1, Math.round(plan.totalSteps * (0.15 + unitHash(job.jobId, 'fail-at') * 0.7)));
  const preemptAtStep = Math.max(
    step + 1,
    Math.round(plan.totalSteps * (0.3 + unitHash(job.jobId, 'preempt-at') * 0.5)),
  );

  const push = (status: Status, ms: number, message: string, toStep = step): Segment => {
    const segment: Segment = { status, start: t, end: t + ms, stepFrom: step, stepTo: toStep, message, retries };
    segments.push(segment);
    t += ms;
    step = toStep;
    return segment;
  };
  const finish = (status: Status, message: string): Segment[] => {
    push(status, Number.POSITIVE_INFINITY, message);
    return segments;
  };
  const trainingMs = (from: number, to: number) =>
    Math.max(1000, Math.round(((to - from) * plan.msPerStep) / 1000) * 1000);

  if (options.from === 'PENDING') push('PENDING', plan.pendingMs, 'Job accepted; validating configuration');
  let queued = options.from !== 'SCHEDULING';
  for (;;) {
    if (queued) push('QUEUED', plan.queuedMs, `Waiting for ${resources(job)}`);
    queued = true;
    push('SCHEDULING', plan.schedulingMs, `Allocating ${resources(job)}`);
    if (failInPreparing) {
      push('PREPARING', Math.round(plan.preparingMs / 2), 'Downloading base model and datasets');
      return finish('FAILED', `Data preparation failed: ${job.dataSources[0] ?? 'dataset'} has malformed records`);
    }
    push('PREPARING', plan.preparingMs, 'Downloading base model and datasets');

    let preempted = false;
    while (step < plan.totalSteps) {
      const next = Math.min(plan.totalSteps, (Math.floor(step / plan.checkpointEvery) + 1) * plan.checkpointEvery);
      if (preemptPending && preemptAtStep > step && preemptAtStep <= next) {
        push('TRAINING', trainingMs(step, preemptAtStep), 'Training', preemptAtStep);
        preemptPending = false;
        preempted = true;
        break;
      }
      if (options.outcome === 'fail' && failAtStep > step && failAtStep <= next) {
        push('TRAINING', trainingMs(step, failAtStep), 'Training', failAtStep);
        return finish('FAILED', `CUDA out of memory at step ${failAtStep}`);
      }
      push('TRAINING', trainingMs(step, next), 'Training', next);
      if (step < plan.totalSteps) {
        checkpointNumber += 1;
        const segment = push('CHECKPOINTING', plan.checkpointingMs, `Saving checkpoint at step ${step}`);
        segment.checkpoint = {
          checkpointId: `ckpt_${job.jobId.replace(/^job_/, '')}_${String(checkpointNumber).padStart(2, '0')}`,
          step,
          epoch: epochAt(plan, step),
          uri: checkpointUri(job, step),
        };
        lastCheckpointStep = step;
      }
    }
    if (!preempted) break;

    if (retries >= job.maxRetries) {
      push('PREEMPTED', plan.preemptedMs, 'Preempted by a higher-priority job');
      return finish('FAILED', `Preempted and max_retries (${job.maxRetries}) exhausted`);
    }
    push(
      'PREEMPTED',
      plan.preemptedMs,
      `Preempted by a higher-priority job; re-queueing (retry ${retries + 1} of ${job.maxRetries})`,
    );
    retries += 1;
    // The re-queued run resumes from the latest checkpoint: the work since then is lost.
    step = lastCheckpointStep;
  }
  push('EVALUATING', plan.evaluatingMs, 'Running post-training evaluation');
  push('EXPORTING', plan.exportingMs, `Exporting model to ${outputModelUri(job)}`);
  return finish('COMPLETED', 'Training completed');
}

/** Everything about a job that depends on the clock. */
export interface JobState {
  status: Status;
  step: number;
  epoch: number;
  checkpoints: CheckpointRecord[];
  startedAt: number | null;
  completedAt: number | null;
  updatedAt: number;
  message: string;
  retries: number;
  /** Start of the current QUEUED stint (orders the queue). */
  segmentStart: number;
}

function segmentAt(timeline: readonly Segment[], t: number): Segment {
  // Timelines are short (tens of segments), so a backwards scan beats anything cleverer.
  for (let i = timeline.length - 1; i >= 0; i--) {
    const segment = timeline[i];
    if (segment !== undefined && segment.start <= t) return segment;
  }
  const first = timeline[0];
  if (first === undefined) throw new Error('job without a timeline');
  return first;
}

export function jobStateAt(job: JobRecord, t: number): JobState {
  const segment = segmentAt(job.timeline, t);
  const span = segment.end - segment.start;
  const fraction = Number.isFinite(span) && span > 0 ? Math.min(1, (t - segment.start) / span) : 1;
  const step = Math.floor(segment.stepFrom + (segment.stepTo - segment.stepFrom) * fraction);
  const checkpoints = [...job.checkpoints];
  let startedAt = job.startedAt;
  for (const s of job.timeline) {
    if (s.start > t) break;
    if (startedAt === null && s.status === 'SCHEDULING') startedAt = s.start;
    if (s.checkpoint !== undefined && s.end <= t) checkpoints.push({ ...s.checkpoint, createdAt: s.end });
  }
  const terminal = TERMINAL.has(segment.status);
  return {
    status: segment.status,
    step,
    epoch: epochAt(job.plan, step),
    checkpoints,
    startedAt,
    completedAt: terminal ? segment.start : null,
    // While training, progress changes continuously, so the record is as fresh as the read.
    updatedAt: segment.status === 'TRAINING' ? t : segment.start,
    message: segment.status === 'TRAINING' ? `Training step ${step}/${job.plan.totalSteps}` : segment.message,
    retries: segment.retries,
    segmentStart: segment.start,
  };
}

/** Folds what the current timeline produced up to `t` into the record before it is replaced. */
function freeze(job: JobRecord, t: number): JobState {
  const state = jobStateAt(job, t);
  job.checkpoints = state.checkpoints;
  job.startedAt = state.startedAt;
  return state;
}

function openSegment(status: Status, t: number, state: JobState, message: string): Segment {
  return {
    status,
    start: t,
    end: Number.POSITIVE_INFINITY,
    stepFrom: state.step,
    stepTo: state.step,
    message,
    retries: state.retries,
  };
}

function findCheckpoint(state: JobState, checkpointId: string): CheckpointRecord {
  const found = state.checkpoints.find((c) => c.checkpointId === checkpointId);
  if (found === undefined) throw invalidArgument('checkpoint_id', `unknown checkpoint ${checkpointId} for this job`);
  return found;
}

export function cancelJob(job: JobRecord, t: number, reason: string | undefined): void {
  const state = jobStateAt(job, t);
  if (TERMINAL.has(state.status)) {
    throw failedPrecondition(`Job ${job.jobId} is ${state.status} and cannot be cancelled`);
  }
  freeze(job, t);
  const message = reason ? `Cancelled by user: ${reason}` : 'Cancelled by user';
  job.timeline = [openSegment('CANCELLED', t, state, message)];
}

export function pauseJob(job: JobRecord, t: number, saveCheckpoint: boolean): void {
  const state = jobStateAt(job, t);
  if (!PAUSABLE.has(state.status)) {
    throw failedPrecondition(`Job ${job.jobId} is ${state.status}; only a running job can be paused`);
  }
  freeze(job, t);
  const latest = job.checkpoints.at(-1)?.step ?? 0;
  if (saveCheckpoint && state.step > latest) {
    const number = job.checkpoints.length + 1;
    job.checkpoints.push({
      checkpointId: `ckpt_${job.jobId.replace(/^job_/, '')}_${String(number).padStart(2, '0')}`,
      step: state.step,
      epoch: state.epoch,
      uri: checkpointUri(job, state.step),
      createdAt: t,
    });
  }
  job.timeline = [
    openSegment('PAUSED', t, state, saveCheckpoint ? 'Paused by user; checkpoint saved' : 'Paused by user'),
  ];
}

/** Where a resumed or retried run starts: the named checkpoint, else the fallback step. */
function startStepFor(state: JobState, checkpointId: string | undefined, fallback: number): number {
  if (checkpointId === undefined || checkpointId === '') return fallback;
  return findCheckpoint(state, checkpointId).step;
}

export function resumeJob(job: JobRecord, t: number, checkpointId: string | undefined): void {
  const state = jobStateAt(job, t);
  if (state.status !== 'PAUSED') {
    throw failedPrecondition(`Job ${job.jobId} is ${state.status}; only a PAUSED job can be resumed`);
  }
  // Without a checkpoint, resume from the latest one (or keep the finished training if it was done).
  const latest = state.checkpoints.at(-1)?.step ?? 0;
  const fallback = state.step >= job.plan.totalSteps ? state.step : latest;
  const startStep = startStepFor(state, checkpointId, fallback);
  freeze(job, t);
  job.timeline = buildRun(job, {
    start: t,
    from: 'SCHEDULING',
    startStep,
    outcome: 'complete',
    retries: state.retries,
  });
}

export function retryJob(job: JobRecord, t: number, checkpointId: string | undefined): void {
  const state = jobStateAt(job, t);
  if (!RETRYABLE.has(state.status)) {
    throw failedPrecondition(
      `Job ${job.jobId} is ${state.status}; only FAILED, CANCELLED or PREEMPTED jobs can be retried`,
    );
  }
  const startStep = startStepFor(state, checkpointId, 0);
  freeze(job, t);
  job.timeline = buildRun(job, { start: t, from: 'QUEUED', startStep, outcome: 'complete', retries: state.retries });
}
