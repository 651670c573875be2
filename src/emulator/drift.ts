/**
 * Drift: the variants of the coordinator's replies the contract tolerates ("Tolerance" and the
 * [ours] points of the shared contract), each switchable on its own. The contract profile is what
 * the emulator serves by default; the other profiles play a real deployment that differs in one
 * tolerated way, or in all of them at once, so the gateway can be checked against each.
 */
import type { ResultShape } from './types.js';
import { STATUSES, type Status, statusNumber } from './vocabulary.js';

export interface Drift {
  /** Evaluation results nested as a list, a name-keyed map, or the legacy shape. */
  results: ResultShape;
  /**
   * `GET /evaluations`: `workload` = the contract's job-shaped records under `jobs`, `job_id` being the
   * workload's own id and the parent in `labels.parent_job_id`; `legacy` = the older key
   * `evaluations`, `evaluation_id`, and the parent under `job_id`.
   */
  evaluationListing: 'workload' | 'legacy';
  /** `training_config.framework` as the documented object, or as a bare enum name. */
  framework: 'object' | 'string';
  /** Where `max_retries` and `priority` sit in a job record. */
  jobSettings: 'training_config' | 'top_level';
  /** `X-Scaigrid-Ratelimit-Reset` as a Unix epoch (contract) or as seconds to go. */
  rateLimitReset: 'epoch' | 'delta';
  /**
   * `contract`: each code with its documented status; `unusual`: FAILED_PRECONDITION, NOT_FOUND and
   * VALIDATION_ERROR all sent with 400, as a deployment may (only `error.code` tells them apart).
   */
  errorStatuses: 'contract' | 'unusual';
  /** `refused`: any `order_by` is a 400 INVALID_ARGUMENT. */
  orderBy: 'accepted' | 'refused';
  /** `ignored`: `GET /evaluations` does not know `job_id` and lists every evaluation. */
  jobIdFilter: 'applied' | 'ignored';
  /** `GET /jobs` also lists evaluation workloads (label `type=evaluation`), counted in `total_count`. */
  evaluationsInJobs: boolean;
  /** Job records carry a `checkpoints` list. */
  checkpointsList: boolean;
  /** Every number of a reply payload sent as a string (int64 as the proto JSON mapping writes it). */
  numbersAsStrings: boolean;
  /** Every `*_at` timestamp sent as the proto `{seconds, nanos}` dict. */
  protoTimestamps: boolean;
  /** Every status sent as its proto enum number. */
  enumsAsNumbers: boolean;
}

export const CONTRACT_DRIFT: Readonly<Drift> = Object.freeze({
  results: 'list',
  evaluationListing: 'workload',
  framework: 'object',
  jobSettings: 'training_config',
  rateLimitReset: 'epoch',
  errorStatuses: 'contract',
  orderBy: 'accepted',
  jobIdFilter: 'applied',
  evaluationsInJobs: false,
  checkpointsList: true,
  numbersAsStrings: false,
  protoTimestamps: false,
  enumsAsNumbers: false,
});

/** Each tolerated variant on its own, plus the contract and everything drifted at once. */
export const DRIFT_PROFILES = {
  contract: {},
  'results-map': { results: 'map' },
  'results-legacy': { results: 'legacy' },
  'evaluation-listing-legacy': { evaluationListing: 'legacy' },
  'framework-string': { framework: 'string' },
  'job-settings-top-level': { jobSettings: 'top_level' },
  'ratelimit-reset-delta': { rateLimitReset: 'delta' },
  'error-statuses-unusual': { errorStatuses: 'unusual' },
  'order-by-refused': { orderBy: 'refused' },
  'job-id-filter-ignored': { jobIdFilter: 'ignored' },
  'evaluations-in-jobs': { evaluationsInJobs: true },
  'no-checkpoints-list': { checkpointsList: false },
  'numbers-as-strings': { numbersAsStrings: true },
  'proto-timestamps': { protoTimestamps: true },
  'enums-as-numbers': { enumsAsNumbers: true },
  everything: {
    results: 'legacy',
    evaluationListing: 'legacy',
    framework: 'string',
    jobSettings: 'top_level',
    rateLimitReset: 'delta',
    errorStatuses: 'unusual',
    orderBy: 'refused',
    jobIdFilter: 'ignored',
    evaluationsInJobs: true,
    checkpointsList: false,
    numbersAsStrings: true,
    protoTimestamps: true,
    enumsAsNumbers: true,
  },
  /** Everything the contract calls current, drifted together: the newest deployment we expect. */
  'everything-current': {
    results: 'map',
    evaluationsInJobs: true,
    jobIdFilter: 'ignored',
    orderBy: 'refused',
    errorStatuses: 'unusual',
    checkpointsList: false,
  },
} as const satisfies Record<string, Partial<Drift>>;

export type DriftProfileName = keyof typeof DRIFT_PROFILES;

export const DRIFT_PROFILE_NAMES = Object.keys(DRIFT_PROFILES) as DriftProfileName[];

/** A profile by name, or any mix of variants over the contract. */
export function driftOf(profile: DriftProfileName | Partial<Drift> | undefined): Drift {
  if (profile === undefined) return { ...CONTRACT_DRIFT };
  if (typeof profile === 'string') {
    const variants = DRIFT_PROFILES[profile] as Partial<Drift> | undefined;
    if (variants === undefined) {
      throw new RangeError(`unknown drift profile ${profile}; known: ${DRIFT_PROFILE_NAMES.join(', ')}`);
    }
    return { ...CONTRACT_DRIFT, ...variants };
  }
  for (const key of Object.keys(profile)) {
    if (!(key in CONTRACT_DRIFT)) throw new RangeError(`unknown drift variant ${key}`);
  }
  return { ...CONTRACT_DRIFT, ...profile };
}

const STATUS_NAMES: ReadonlySet<string> = new Set(STATUSES);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function protoTimestamp(text: string): { seconds: number; nanos: number } {
  const ms = Date.parse(text);
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

/**
 * The proto-JSON spellings of a reply payload, applied last: enums as numbers, `*_at` as
 * `{seconds, nanos}`, numbers as strings. Status values are enums, not numbers to stringify.
 */
export function encodePayload(value: unknown, drift: Drift, key = ''): unknown {
  if (!drift.numbersAsStrings && !drift.protoTimestamps && !drift.enumsAsNumbers) return value;
  return encode(value, drift, key);
}

function encode(value: unknown, drift: Drift, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => encode(item, drift, key));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, drift, k);
    return out;
  }
  if (key === 'status' && typeof value === 'string' && STATUS_NAMES.has(value)) {
    return drift.enumsAsNumbers ? statusNumber(value as Status) : value;
  }
  if (key === 'status' && typeof value === 'number') return value;
  if (drift.protoTimestamps && key.endsWith('_at') && typeof value === 'string' && RFC3339.test(value)) {
    const proto = protoTimestamp(value);
    return drift.numbersAsStrings ? { seconds: String(proto.seconds), nanos: proto.nanos } : proto;
  }
  if (drift.numbersAsStrings && typeof value === 'number') return String(value);
  return value;
}
