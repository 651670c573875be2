import { evaluationName, scheduleEvaluation } from './evaluation-lifecycle.js';
import { buildRun, cancelJob, jobStateAt, pauseJob, planFor } from './job-lifecycle.js';
import { Prng } from './prng.js';
import type { BenchmarkRecord, EvaluationRecord, FrameworkRecord, JobRecord, Outcome, Segment } from './records.js';
import type { Store } from './store.js';
import type { Status } from './vocabulary.js';

/**
 * Demo data: tenant `acme` with `seedJobs` training jobs covering every status at seed time, and
 * tenant `globex` with a handful. Everything derives from a fixed PRNG seed and the seed time, so
 * every emulator built with the same options holds the same jobs, ids and timestamps.
 */

const SEED_PRNG = 0xacbe5eed;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Names of seeded acme jobs other tests can rely on (statuses are at seed time). */
export const SEEDED = {
  /** COMPLETED; 2 COMPLETED evaluations (one with custom-acme-support) and 1 EVALUATING with 1 of 3 results. */
  completedWithEvaluations: 'support-lora-v3',
  /** TRAINING with at least 2 checkpoints; has a COMPLETED evaluation of its first checkpoint. */
  trainingWithCheckpoints: 'support-lora-v4',
  /** COMPLETED; one QUEUED evaluation. */
  completedWithQueuedEvaluation: 'search-rerank-sft-v2',
  /** COMPLETED; one COMPLETED and one FAILED evaluation. */
  completedWithFailedEvaluation: 'code-assist-dpo-v1',
  /** COMPLETED; one COMPLETED evaluation. */
  olderCompleted: 'support-lora-v2',
  /** PAUSED, with a checkpoint saved at the pause. */
  paused: 'research-rlhf-v1',
  /** FAILED (CUDA out of memory). */
  failed: 'legal-summarizer-lora-v2',
  /** CANCELLED while training. */
  cancelled: 'finance-qa-qlora-v1',
  /** PREEMPTED, will re-queue (max_retries 2). */
  preempted: 'research-pretrain-v2',
  /** QUEUED (two of them; this one is first in the queue). */
  queued: 'support-qlora-v1',
} as const;

interface JobSpec {
  name: string;
  team: string;
  project: string;
  trainingType: string;
  baseModel?: string;
  gpuCount?: number;
  gpuType?: string;
  maxRetries?: number;
}

interface Placement {
  target: Status;
  /** Duration multiplier: >1 makes a job look like it ran for hours. */
  scale?: number;
  /** For terminal (and PAUSED/CANCELLED) targets: how long ago it got there. */
  ageMs?: number;
  /** For TRAINING: pick the last training stretch (most checkpoints) instead of a random one. */
  late?: boolean;
}

const MODELS = [
  'meta-llama/Llama-3.1-8B',
  'meta-llama/Llama-3.1-70B',
  'mistralai/Mistral-7B-v0.3',
  'Qwen/Qwen2.5-7B',
  'google/gemma-2-9b',
];

const FRAMEWORK_BY_TYPE: Record<string, string> = {
  SFT: 'DEEPSPEED',
  LORA: 'HF_TRAINER',
  QLORA: 'HF_TRAINER',
  DPO: 'HF_TRAINER',
  RLHF: 'CUSTOM',
  CONTINUED_PRETRAIN: 'MEGATRON',
  FULL_FINETUNE: 'FSDP',
};

const HYPERPARAMETERS: Record<string, Record<string, string>> = {
  SFT: { learning_rate: '1e-5', batch_size: '32', warmup_ratio: '0.03' },
  LORA: { learning_rate: '2e-4', lora_rank: '16', lora_alpha: '32', batch_size: '16' },
  QLORA: { learning_rate: '2e-4', lora_rank: '64', quantization: '4bit', batch_size: '8' },
  DPO: { learning_rate: '5e-7', beta: '0.1', batch_size: '8' },
  RLHF: { learning_rate: '1e-6', kl_coef: '0.05', batch_size: '16' },
  CONTINUED_PRETRAIN: { learning_rate: '3e-5', seq_len: '8192', batch_size: '256' },
  FULL_FINETUNE: { learning_rate: '1e-5', batch_size: '64', weight_decay: '0.01' },
};

const TYPE_SLUG: Record<string, string> = {
  SFT: 'sft',
  LORA: 'lora',
  QLORA: 'qlora',
  DPO: 'dpo',
  RLHF: 'rlhf',
  CONTINUED_PRETRAIN: 'pretrain',
  FULL_FINETUNE: 'fullft',
};

/** A plausible framework object for the seeded job: distributed setups for the big ones. */
function frameworkFor(tenant: string, spec: JobSpec): FrameworkRecord {
  const type = FRAMEWORK_BY_TYPE[spec.trainingType] ?? 'HF_TRAINER';
  const framework: FrameworkRecord = { type, config: {} };
  if (type === 'DEEPSPEED') framework.config = { zero_stage: '2' };
  if (type === 'FSDP' || type === 'MEGATRON') {
    framework.distributed = {
      worldSize: 0,
      backend: 'nccl',
      strategy: type === 'FSDP' ? 'FULL_SHARD' : 'TENSOR_PARALLEL',
      config: {},
    };
  }
  if (type === 'CUSTOM') framework.customScriptPath = `scaidrive://${tenant}/scripts/${spec.project}/train.py`;
  return framework;
}

class Seeder {
  readonly prng = new Prng(SEED_PRNG);

  constructor(
    private readonly store: Store,
    private readonly now: number,
  ) {}

  /** Creates a job whose state at seed time is `placement.target`, with a consistent history. */
  job(tenant: string, spec: JobSpec, placement: Placement): JobRecord {
    const { prng } = this;
    const jobId = this.store.newJobId(tenant);
    const { target } = placement;
    const terminalLike = ['COMPLETED', 'FAILED', 'CANCELLED', 'PAUSED'].includes(target);
    const scale = placement.scale ?? (terminalLike ? prng.range(8, 30) : 1);
    const outcome: Outcome = target === 'FAILED' ? 'fail' : target === 'PREEMPTED' ? 'preempt' : 'complete';
    const job: JobRecord = {
      jobId,
      tenant,
      name: spec.name,
      labels: { team: spec.team, project: spec.project },
      trainingType: spec.trainingType,
      framework: frameworkFor(tenant, spec),
      baseModel: spec.baseModel ?? prng.pick(MODELS),
      priority: prng.int(1, 9),
      hyperparameters: { ...(HYPERPARAMETERS[spec.trainingType] ?? {}) },
      environment: { WANDB_PROJECT: spec.project },
      dataSources: [`scaidrive://${tenant}/data/${spec.project}/train.jsonl`],
      gpuCount: spec.gpuCount ?? (spec.trainingType === 'CONTINUED_PRETRAIN' ? 32 : prng.pick([1, 2, 4, 8])),
      gpuType: spec.gpuType ?? prng.pick(['H100', 'H100', 'A100']),
      maxRetries: spec.maxRetries ?? 2,
      plan: planFor(jobId, scale),
      createdAt: 0,
      startedAt: null,
      checkpoints: [],
      timeline: [],
    };
    if (job.framework.distributed) job.framework.distributed.worldSize = job.gpuCount;
    const run = (start: number) => buildRun(job, { start, from: 'PENDING', startStep: 0, outcome, retries: 0 });

    // Lay the story out from t=0, find the instant that shows the target, then shift it so that
    // instant is "now" (a deterministic rebuild, so the shifted timeline has the same shape).
    const draft = run(0);
    // Segment bounds are whole seconds, and so is every offset picked here, so the shift is exact.
    const age = Math.round((placement.ageMs ?? prng.range(1 * HOUR, 20 * DAY)) / 1000) * 1000;
    const inside = (segment: Segment) => {
      const seconds = Math.max(1, Math.floor((segment.end - segment.start) / 1000));
      return segment.start + Math.floor(seconds * prng.range(0.3, 0.7)) * 1000;
    };
    let offset: number;
    let actAt: number | undefined;
    if (target === 'PAUSED' || target === 'CANCELLED') {
      actAt = inside(this.choose(draft, 'TRAINING', false));
      offset = actAt + age;
    } else {
      const segment = this.choose(draft, target, placement.late ?? false);
      offset = Number.isFinite(segment.end) ? inside(segment) : segment.start + age;
    }
    job.createdAt = this.now - offset;
    job.timeline = run(job.createdAt);
    if (actAt !== undefined) {
      const at = job.createdAt + actAt;
      if (target === 'PAUSED') pauseJob(job, at, true);
      else cancelJob(job, at, prng.pick(['superseded by a newer run', 'wrong dataset version', 'budget freeze']));
    }
    const actual = jobStateAt(job, this.now).status;
    if (actual !== target) throw new Error(`seed: ${spec.name} is ${actual} at seed time, wanted ${target}`);
    this.store.addJob(job);
    return job;
  }

  private choose(timeline: readonly Segment[], status: Status, late: boolean): Segment {
    const candidates = timeline.filter((s) => s.status === status);
    if (candidates.length === 0) throw new Error(`seed: no ${status} segment in the drafted run`);
    if (late) return candidates.at(-1) as Segment;
    // Prefer a stretch after the first checkpoint, so running jobs usually have checkpoints.
    const later = candidates.length > 1 ? candidates.slice(1) : candidates;
    return this.prng.pick(later);
  }

  /**
   * Creates an evaluation of `job` that shows `target` at seed time. COMPLETED/FAILED ones start
   * `after` the job finished (or the checkpoint was saved); running ones are placed around now.
   */
  evaluation(
    job: JobRecord,
    benchmarks: BenchmarkRecord[],
    target: 'COMPLETED' | 'FAILED' | 'QUEUED' | 'EVALUATING',
    options: { checkpointId?: string; resultsDone?: number; after?: number } = {},
  ): EvaluationRecord {
    const evaluationId = this.store.newEvaluationId(job.tenant);
    const state = jobStateAt(job, this.now);
    const checkpoint = state.checkpoints.find((c) => c.checkpointId === options.checkpointId);
    const base = checkpoint?.createdAt ?? state.completedAt ?? this.now;
    let createdAt: number;
    let scale = 1;
    if (target === 'QUEUED') createdAt = this.now - 2_000;
    else if (target === 'EVALUATING') {
      const draft = scheduleEvaluation(evaluationId, benchmarks, 0);
      const done = options.resultsDone ?? 1;
      const from = done === 0 ? draft.evaluatingAt : (draft.doneAt[done - 1] ?? 0);
      const to = draft.doneAt[done] ?? from;
      createdAt = Math.floor((this.now - (from + to) / 2) / 1000) * 1000;
    } else {
      scale = 4;
      createdAt = Math.floor((base + (options.after ?? this.prng.range(5 * MINUTE, 2 * HOUR))) / 1000) * 1000;
    }
    const evaluation: EvaluationRecord = {
      evaluationId,
      tenant: job.tenant,
      name: evaluationName(job.name, benchmarks),
      jobId: job.jobId,
      modelUri: checkpoint?.uri ?? `scaidrive://${job.tenant}/models/${job.name}/`,
      checkpointId: checkpoint?.checkpointId ?? '',
      benchmarks,
      createdAt,
      ...scheduleEvaluation(evaluationId, benchmarks, createdAt, scale),
    };
    if (target === 'FAILED') {
      const index = benchmarks.length - 1;
      evaluation.failure = { index, message: `Evaluator ran out of memory on ${benchmarks[index]?.name}` };
    }
    const end = evaluation.doneAt.at(-1) ?? createdAt;
    if ((target === 'COMPLETED' || target === 'FAILED') && end > this.now) {
      throw new Error(`seed: evaluation of ${job.name} would still be running at seed time`);
    }
    this.store.addEvaluation(evaluation);
    return evaluation;
  }
}

const CUSTOM_SUPPORT: BenchmarkRecord = {
  name: 'custom-acme-support',
  dataset: 'scaidrive://acme/eval/support-testset.jsonl',
  parameters: { max_new_tokens: '256', temperature: '0.0' },
};

function seedAcmeNotables(seeder: Seeder): void {
  const acme = (name: string, team: string, project: string, trainingType: string, extra: Partial<JobSpec> = {}) => ({
    name,
    team,
    project,
    trainingType,
    ...extra,
  });
  const v3 = seeder.job(
    'acme',
    acme(SEEDED.completedWithEvaluations, 'support', 'helpdesk', 'LORA', {
      baseModel: 'meta-llama/Llama-3.1-8B',
      gpuCount: 8,
      gpuType: 'H100',
    }),
    { target: 'COMPLETED', ageMs: 3 * DAY },
  );
  seeder.evaluation(
    v3,
    [{ name: 'mmlu', numSamples: 1000 }, { name: 'humaneval' }, { ...CUSTOM_SUPPORT }],
    'COMPLETED',
    {
      after: 20 * MINUTE,
    },
  );
  seeder.evaluation(v3, [{ name: 'gsm8k' }, { name: 'hellaswag' }, { name: 'arc' }], 'COMPLETED', { after: 1 * DAY });
  seeder.evaluation(v3, [{ name: 'mmlu' }, { name: 'truthfulqa' }, { ...CUSTOM_SUPPORT }], 'EVALUATING', {
    resultsDone: 1,
  });

  const v4 = seeder.job(
    'acme',
    acme(SEEDED.trainingWithCheckpoints, 'support', 'helpdesk', 'LORA', {
      baseModel: 'meta-llama/Llama-3.1-8B',
      gpuCount: 8,
      gpuType: 'H100',
    }),
    { target: 'TRAINING', scale: 20, late: true },
  );
  const firstCheckpoint = v4.timeline.find((s) => s.checkpoint !== undefined)?.checkpoint?.checkpointId;
  seeder.evaluation(v4, [{ name: 'mmlu', numSamples: 500 }, { ...CUSTOM_SUPPORT }], 'COMPLETED', {
    checkpointId: firstCheckpoint ?? '',
    after: 2 * MINUTE,
  });

  seeder.job('acme', acme(SEEDED.queued, 'support', 'helpdesk', 'QLORA'), { target: 'QUEUED', scale: 30 });
  const rerank = seeder.job('acme', acme(SEEDED.completedWithQueuedEvaluation, 'search', 'rerank', 'SFT'), {
    target: 'COMPLETED',
    ageMs: 6 * HOUR,
  });
  seeder.evaluation(rerank, [{ name: 'mmlu' }, { name: 'gsm8k' }], 'QUEUED');
  const dpo = seeder.job('acme', acme(SEEDED.completedWithFailedEvaluation, 'code', 'code-assist', 'DPO'), {
    target: 'COMPLETED',
    ageMs: 5 * DAY,
  });
  seeder.evaluation(dpo, [{ name: 'humaneval', numSamples: 164 }], 'COMPLETED', { after: 30 * MINUTE });
  seeder.evaluation(dpo, [{ name: 'humaneval' }, { name: 'gsm8k' }], 'FAILED', { after: 2 * DAY });
  const v2 = seeder.job('acme', acme(SEEDED.olderCompleted, 'support', 'helpdesk', 'LORA'), {
    target: 'COMPLETED',
    ageMs: 12 * DAY,
  });
  seeder.evaluation(v2, [{ name: 'mmlu' }, { name: 'humaneval' }], 'COMPLETED', { after: 1 * HOUR });

  seeder.job('acme', acme('search-embed-sft-v3', 'search', 'embeddings', 'SFT'), { target: 'PENDING' });
  seeder.job('acme', acme('legal-summarizer-sft-v1', 'legal', 'summarizer', 'SFT'), { target: 'SCHEDULING' });
  seeder.job('acme', acme('finance-qa-lora-v2', 'finance', 'qa', 'LORA'), { target: 'PREPARING' });
  seeder.job('acme', acme('code-assist-sft-v4', 'code', 'code-assist', 'SFT'), { target: 'CHECKPOINTING' });
  seeder.job('acme', acme(SEEDED.paused, 'research', 'alignment', 'RLHF'), { target: 'PAUSED', ageMs: 2 * HOUR });
  seeder.job('acme', acme('support-dpo-v2', 'support', 'helpdesk', 'DPO'), { target: 'EVALUATING' });
  seeder.job('acme', acme('search-rerank-sft-v3', 'search', 'rerank', 'SFT'), { target: 'EXPORTING' });
  seeder.job('acme', acme(SEEDED.failed, 'legal', 'summarizer', 'LORA'), { target: 'FAILED', ageMs: 9 * HOUR });
  seeder.job('acme', acme(SEEDED.cancelled, 'finance', 'qa', 'QLORA'), { target: 'CANCELLED', ageMs: 1 * DAY });
  seeder.job('acme', acme(SEEDED.preempted, 'research', 'pretraining', 'CONTINUED_PRETRAIN', { maxRetries: 2 }), {
    target: 'PREEMPTED',
  });
  seeder.job('acme', acme('code-assist-fullft-v1', 'code', 'code-assist', 'FULL_FINETUNE'), {
    target: 'QUEUED',
    scale: 30,
  });
}

/** Statuses of the generated filler jobs, weighted like a busy team's history. */
const FILLER_WEIGHTS: readonly [Status, number][] = [
  ['COMPLETED', 45],
  ['FAILED', 10],
  ['CANCELLED', 8],
  ['TRAINING', 10],
  ['QUEUED', 6],
  ['PENDING', 2],
  ['SCHEDULING', 2],
  ['PREPARING', 3],
  ['CHECKPOINTING', 2],
  ['PAUSED', 3],
  ['EVALUATING', 2],
  ['EXPORTING', 2],
  ['PREEMPTED', 3],
];

const FILLER_PROJECTS: readonly [string, string][] = [
  ['support', 'ticket-triage'],
  ['support', 'kb-answer'],
  ['search', 'doc-search'],
  ['search', 'intent-router'],
  ['code', 'sql-assist'],
  ['code', 'release-notes'],
  ['legal', 'contract-review'],
  ['finance', 'invoice-extract'],
  ['finance', 'fraud-explain'],
  ['research', 'chat-tone'],
];

function weighted(prng: Prng): Status {
  const total = FILLER_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let roll = prng.next() * total;
  for (const [status, weight] of FILLER_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return status;
  }
  return 'COMPLETED';
}

function seedAcmeFiller(seeder: Seeder, count: number): void {
  const { prng } = seeder;
  const versions = new Map<string, number>();
  const types = Object.keys(TYPE_SLUG);
  for (let i = 0; i < count; i++) {
    const [team, project] = prng.pick(FILLER_PROJECTS);
    const trainingType = prng.pick(types);
    const stem = `${project}-${TYPE_SLUG[trainingType]}`;
    const version = (versions.get(stem) ?? 0) + 1;
    versions.set(stem, version);
    const target = weighted(prng);
    const job = seeder.job(
      'acme',
      { name: `${stem}-v${version}`, team, project, trainingType },
      {
        target,
        ageMs: prng.range(1 * HOUR, 30 * DAY),
      },
    );
    if (target === 'COMPLETED' && prng.chance(0.3)) {
      const pool = ['mmlu', 'humaneval', 'gsm8k', 'hellaswag', 'arc', 'truthfulqa'];
      const n = prng.int(1, 3);
      const names = new Set<string>();
      while (names.size < n) names.add(prng.pick(pool));
      seeder.evaluation(
        job,
        [...names].map((name) => ({ name })),
        'COMPLETED',
        { after: prng.range(5 * MINUTE, 1 * HOUR) },
      );
    }
  }
}

function seedGlobex(seeder: Seeder): void {
  const globex = (name: string, project: string, trainingType: string) => ({
    name,
    team: 'analytics',
    project,
    trainingType,
  });
  const churn = seeder.job('globex', globex('globex-churn-sft-v1', 'churn', 'SFT'), {
    target: 'COMPLETED',
    ageMs: 4 * DAY,
  });
  seeder.evaluation(churn, [{ name: 'mmlu' }, { name: 'gsm8k' }], 'COMPLETED', { after: 1 * HOUR });
  seeder.evaluation(churn, [{ name: 'hellaswag' }], 'COMPLETED', { after: 1 * DAY });
  seeder.job('globex', globex('globex-forecast-lora-v2', 'forecast', 'LORA'), { target: 'TRAINING', scale: 10 });
  seeder.job('globex', globex('globex-support-sft-v1', 'support', 'SFT'), { target: 'QUEUED', scale: 30 });
  seeder.job('globex', globex('globex-ranker-dpo-v1', 'ranker', 'DPO'), { target: 'FAILED', ageMs: 2 * DAY });
  seeder.job('globex', globex('globex-docs-lora-v1', 'docs', 'LORA'), { target: 'COMPLETED', ageMs: 9 * DAY });
}

/** Fills an empty store with the demo tenants as they stand at `now` (the seed time). */
export function seedStore(store: Store, now: number, seedJobs: number): void {
  const seeder = new Seeder(store, now);
  seedAcmeNotables(seeder);
  // The named jobs count towards seedJobs; the rest is generated filler.
  seedAcmeFiller(seeder, Math.max(30, seedJobs) - store.jobsOf('acme').length);
  seedGlobex(seeder);
}
