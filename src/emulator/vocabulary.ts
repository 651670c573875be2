/**
 * The emulated coordinator's own enum vocabulary. It stands for an independent upstream, so it does
 * not borrow the gateway's lists: a reordering or rename on either side must show up as a failing
 * test, not pass silently because both sides read the same array.
 */

/**
 * Job (and evaluation) statuses as the coordinator's proto enum declares them: its number (0 is
 * STATUS_UNSPECIFIED) and what the lifecycle may do from it. Written once, here: the lifecycle,
 * the encoders and the filters all read this table.
 * - `runs`: the job holds (or is about to hold) cluster resources, so it can be paused.
 * - `ends`: nothing leaves it on its own (PREEMPTED is re-queued, so it is not one).
 * - `retries`: a retry may start the job again from it.
 */
const STATUS_TABLE = {
  PENDING: { number: 1 },
  QUEUED: { number: 2 },
  SCHEDULING: { number: 3, runs: true },
  PREPARING: { number: 4, runs: true },
  TRAINING: { number: 5, runs: true },
  CHECKPOINTING: { number: 6, runs: true },
  PAUSED: { number: 7 },
  EVALUATING: { number: 8, runs: true },
  EXPORTING: { number: 9, runs: true },
  COMPLETED: { number: 10, ends: true },
  FAILED: { number: 11, ends: true, retries: true },
  CANCELLED: { number: 12, ends: true, retries: true },
  PREEMPTED: { number: 13, retries: true },
} as const satisfies Record<string, { number: number; runs?: true; ends?: true; retries?: true }>;

export type Status = keyof typeof STATUS_TABLE;

/** Every status, in proto enum order. */
export const STATUSES = Object.keys(STATUS_TABLE) as readonly Status[];

const where = (flag: 'runs' | 'ends' | 'retries'): ReadonlySet<Status> =>
  new Set(STATUSES.filter((status) => flag in STATUS_TABLE[status]));

/** States nothing leaves on its own. */
export const TERMINAL = where('ends');
/** States a job can be paused from. */
export const PAUSABLE = where('runs');
/** States a job can be retried from. */
export const RETRYABLE = where('retries');

export const TRAINING_TYPES = ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'] as const;

export const FRAMEWORKS = ['HF_TRAINER', 'DEEPSPEED', 'FSDP', 'MEGATRON', 'CUSTOM'] as const;

/** The `order_by` values the emulated coordinator accepts; the first is the default. */
export const ORDERS = ['created_at desc', 'created_at asc', 'name asc', 'name desc'] as const;
export type Order = (typeof ORDERS)[number];

/** Proto enum number of a status (0 is STATUS_UNSPECIFIED). */
export function statusNumber(status: Status): number {
  return STATUS_TABLE[status].number;
}
