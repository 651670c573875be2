/**
 * Small types and helpers shared by several domain types: statuses and status filters, key/value
 * pairs, list order, user errors (and the coordinator rejections that become them), and the
 * parsing of ID arguments.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import {
  isTerminal,
  JOB_STATUSES,
  type JobStatus,
  type OrderBy,
  type Phase,
  phaseOf,
  type StringMap,
} from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { codeOfCoordinatorError, gatewayError } from '../errors.js';
import { builder, type SchemaTypes } from './builder.js';
import { checkCoordinatorId, MAX_GLOBAL_ID_LENGTH, NODE_TYPENAMES } from './ids.js';

export const JobStatusEnum = builder.enumType('JobStatus', {
  description: 'Lifecycle status of a training job or evaluation, as the coordinator reports it.',
  values: [...JOB_STATUSES, 'UNKNOWN'] as const,
});

export const PhaseEnum = builder.enumType('Phase', {
  description: 'A coarse status for simple UIs.',
  values: {
    QUEUED: { description: 'Waiting to run (pending, queued, or re-queued after preemption).' },
    RUNNING: { description: 'Scheduled, preparing, training, paused, evaluating or exporting.' },
    SUCCEEDED: { description: 'Completed.' },
    FAILED: { description: 'Failed.' },
    CANCELLED: { description: 'Cancelled.' },
  } satisfies Record<Phase, unknown>,
});

export const ListOrderEnum = builder.enumType('ListOrder', {
  description: 'Order of a listing; the coordinator sorts, the gateway keeps its order.',
  values: {
    CREATED_AT_DESC: { value: 'created_at desc', description: 'Newest first (the default).' },
    CREATED_AT_ASC: { value: 'created_at asc' },
    NAME_ASC: { value: 'name asc' },
    NAME_DESC: { value: 'name desc' },
  } satisfies Record<string, { value: OrderBy; description?: string }>,
});

export interface KeyValue {
  key: string;
  value: string;
}

export const KeyValueRef = builder.objectRef<KeyValue>('KeyValue').implement({
  description: 'One entry of a string-valued map (labels, benchmark parameters).',
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.exposeString('value'),
  }),
});

export const KeyValueInput = builder.inputType('KeyValueInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string({ required: true, description: 'Always a string, e.g. "0.0", as the coordinator requires.' }),
  }),
});

export interface Metric {
  name: string;
  value: number;
}

export const MetricRef = builder.objectRef<Metric>('Metric').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    value: t.exposeFloat('value'),
  }),
});

export function toKeyValues(map: StringMap): KeyValue[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

export function toMetrics(map: Record<string, number>): Metric[] {
  return Object.entries(map).map(([name, value]) => ({ name, value }));
}

/** The status fields TrainingJob and Evaluation share. */
export function statusFields<T extends { status: JobStatus; rawStatus: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, T>,
) {
  return {
    status: t.field({ type: JobStatusEnum, resolve: (parent) => parent.status }),
    rawStatus: t.string({
      description: 'The status exactly as the coordinator sent it (useful when `status` is UNKNOWN).',
      resolve: (parent) => parent.rawStatus,
    }),
    phase: t.field({ type: PhaseEnum, resolve: (parent) => phaseOf(parent.status) }),
    isTerminal: t.boolean({
      description: 'True once COMPLETED, FAILED or CANCELLED: nothing will change any more.',
      resolve: (parent) => isTerminal(parent.status),
    }),
  };
}

export const UserErrorCodeEnum = builder.enumType('UserErrorCode', {
  values: {
    BAD_USER_INPUT: { description: 'The input is invalid; `field` says where.' },
    NOT_FOUND: { description: 'A referenced resource does not exist for your tenant.' },
    CONFLICT: { description: "The resource's current state does not allow this action." },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was already used with a different input.' },
  },
});
export type UserErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'IDEMPOTENCY_KEY_REUSED';

export interface Warning {
  /** Path to the input field concerned, from the mutation argument down, e.g. ["input", "benchmarks", "2", "dataset"]. */
  field: string[] | null;
  message: string;
}

export interface UserError extends Warning {
  code: UserErrorCode;
}

/** What a user error and a warning both say: where in the input, and what. */
function whereAndWhat<T extends Warning>(
  t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, T>,
) {
  return {
    field: t.stringList({ nullable: true, resolve: (remark) => remark.field }),
    message: t.string({ resolve: (remark) => remark.message }),
  };
}

export const UserErrorRef = builder.objectRef<UserError>('UserError').implement({
  description: 'An expected failure of a mutation: invalid input or a state that forbids the action.',
  fields: (t) => ({
    ...whereAndWhat(t),
    code: t.field({ type: UserErrorCodeEnum, resolve: (error) => error.code }),
  }),
});

export const WarningRef = builder.objectRef<Warning>('Warning').implement({
  description: 'Something accepted but probably not intended.',
  fields: whereAndWhat,
});

/**
 * Parses an ID argument: a global ID of `typename`, or (for convenience) a raw coordinator id.
 * A global ID of another node type is a client mistake worth naming.
 */
export function parseId(value: string | number, typename: string): string {
  const input = String(value);
  if (input.length > MAX_GLOBAL_ID_LENGTH) {
    throw gatewayError('BAD_USER_INPUT', `An ID is at most ${MAX_GLOBAL_ID_LENGTH} characters long.`);
  }
  // Coordinator ids (job_…, eval_…) contain "_", which standard base64 never does: decoding them
  // would throw two errors with stack traces per call, the costliest thing on the hot path.
  let decoded: { typename: string; id: string } | null = null;
  if (!input.includes('_')) {
    try {
      decoded = decodeGlobalID(input);
    } catch {
      decoded = null;
    }
  }
  if (decoded && NODE_TYPENAMES.has(decoded.typename)) {
    if (decoded.typename !== typename) {
      throw gatewayError('BAD_USER_INPUT', `Expected the ID of a ${typename}, got the ID of a ${decoded.typename}.`);
    }
    return checkCoordinatorId(decoded.id, typename);
  }
  return checkCoordinatorId(input, typename);
}

/** Status filters are sent upstream sorted, so that equal filters give equal cursors. */
export function checkStatusFilter(status: readonly string[] | null | undefined): string[] | undefined {
  if (!status?.length) return undefined;
  if (status.includes('UNKNOWN')) {
    throw gatewayError(
      'BAD_USER_INPUT',
      'UNKNOWN cannot be a filter: it stands for statuses the gateway does not know.',
    );
  }
  return [...new Set(status)].sort();
}

/**
 * A label filter (`labels: [{key, value}]`, all must match) as sorted pairs, so that equal filters
 * give equal cursors. One key with two values can match nothing: that is a mistake worth naming.
 */
export function checkLabelFilter(labels: readonly KeyValue[] | null | undefined): Array<[string, string]> | undefined {
  if (!labels?.length) return undefined;
  const wanted = new Map<string, string>();
  for (const { key, value } of labels) {
    const known = wanted.get(key);
    if (known !== undefined && known !== value) {
      throw gatewayError(
        'BAD_USER_INPUT',
        `The label filter asks for ${key}="${known}" and ${key}="${value}" at once.`,
      );
    }
    wanted.set(key, value);
  }
  return [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** True when `map` carries every wanted label with exactly that value. */
export function hasLabels(map: StringMap, wanted: ReadonlyArray<readonly [string, string]>): boolean {
  return wanted.every(([key, value]) => map[key] === value);
}

/** Coordinator rejections a client can act on become userErrors; anything else stays an error. */
export function userErrorFrom(error: unknown, idField: string[] = ['input', 'id']): UserError | null {
  if (!(error instanceof CoordinatorError) || error.kind !== 'http') return null;
  const code = codeOfCoordinatorError(error);
  if (code !== 'BAD_USER_INPUT' && code !== 'NOT_FOUND' && code !== 'CONFLICT') return null;
  const detail = error.details[0];
  // The field the coordinator named (details, else its message); else the id that was not found;
  // else, for invalid input, the whole input. A CONFLICT is about state, not a field.
  const field = error.fieldPath
    ? ['input', ...error.fieldPath]
    : code === 'NOT_FOUND'
      ? idField
      : code === 'BAD_USER_INPUT'
        ? ['input']
        : null;
  return {
    field,
    message: detail?.message ?? error.upstreamMessage ?? error.message,
    code,
  };
}

/** The Watcher a subscription resolver hands to the live hub: the caller's own credential and scope. */
export function watcherOf(context: Context) {
  if (!context.credential) {
    throw gatewayError('UNAUTHENTICATED');
  }
  return {
    credential: context.credential,
    credentialScope: context.credentialScope,
    requestId: context.requestId,
  };
}
