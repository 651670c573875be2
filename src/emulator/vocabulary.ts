/**
 * The emulated coordinator's own enum vocabulary. It stands for an independent upstream, so it does
 * not borrow the gateway's lists: a reordering or rename on either side must show up as a failing
 * test, not pass silently because both sides read the same array.
 */

/** Job (and evaluation) statuses, in proto enum order: number = index + 1, 0 is STATUS_UNSPECIFIED. */
export const STATUSES = [
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

export type Status = (typeof STATUSES)[number];

/** States nothing leaves on its own (PREEMPTED is re-queued, so it is not one). */
export const TERMINAL: ReadonlySet<Status> = new Set<Status>(['COMPLETED', 'FAILED', 'CANCELLED']);

export const TRAINING_TYPES = ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'] as const;

export const FRAMEWORKS = ['HF_TRAINER', 'DEEPSPEED', 'FSDP', 'MEGATRON', 'CUSTOM'] as const;

/** The `order_by` values the emulated coordinator accepts; the first is the default. */
export const ORDERS = ['created_at desc', 'created_at asc', 'name asc', 'name desc'] as const;
export type Order = (typeof ORDERS)[number];

/** Proto enum number of a status (0 is STATUS_UNSPECIFIED). */
export function statusNumber(status: Status): number {
  return STATUSES.indexOf(status) + 1;
}
