import { Prng } from './prng.js';
import type { FaultKind, FaultSpec } from './types.js';

const KINDS: readonly FaultKind[] = ['status', 'latency', 'reset', 'malformed', 'hang'];

/** Default randomSeed: fixed, so probabilistic faults replay identically run after run. */
export const DEFAULT_RANDOM_SEED = 0x5ca1ab1e;

const CODE_BY_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'AUTH_TOKEN_INVALID',
  403: 'AUTHZ_PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'FAILED_PRECONDITION',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function defaultCodeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

/** What to do to one request. Latency faults add up; the first other fault that fires wins. */
export interface FaultDecision {
  latencyMs: number;
  /** For event streams: the action strikes after this many events (undefined: at once). */
  afterEvents?: number;
  action:
    | ({ kind: 'status'; status: number; code: string; retryAfter: number | undefined } & AfterHandling)
    | ({ kind: 'reset' | 'malformed' | 'hang' } & AfterHandling)
    | undefined;
}

/** True: the handler runs (with its side effects) before the fault replaces its reply. */
interface AfterHandling {
  afterHandling: boolean;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

function validate(spec: FaultSpec): void {
  const where = `fault ${JSON.stringify(spec)}`;
  if (typeof spec.route !== 'string' || spec.route.trim() === '') throw new TypeError(`${where}: route is required`);
  if (!KINDS.includes(spec.kind)) throw new TypeError(`${where}: kind must be one of ${KINDS.join(', ')}`);
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)) {
    throw new TypeError(`${where}: status must be an HTTP error status (400-599)`);
  }
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
    throw new TypeError(`${where}: probability must be within 0..1`);
  }
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count >= 0)) {
    throw new TypeError(`${where}: count must be a non-negative integer`);
  }
  if (spec.latencyMs !== undefined && !(spec.latencyMs >= 0)) throw new TypeError(`${where}: latencyMs must be >= 0`);
  if (spec.afterEvents !== undefined && !(Number.isInteger(spec.afterEvents) && spec.afterEvents >= 0)) {
    throw new TypeError(`${where}: afterEvents must be a non-negative integer`);
  }
  if (spec.retryAfter !== undefined && !(spec.retryAfter >= 0))
    throw new TypeError(`${where}: retryAfter must be >= 0`);
  if (spec.afterHandling && spec.kind === 'latency') {
    throw new TypeError(`${where}: afterHandling applies to failures, not to latency`);
  }
}

/** Matches 'GET /jobs/{job_id}', 'GET *' (any route of that method) and '*' (anything). */
function matches(route: string, method: string, template: string): boolean {
  const [m, path] = route.trim().split(/\s+/, 2);
  if (m === '*' && path === undefined) return true;
  if (m?.toUpperCase() !== method) return false;
  return path === '*' || path === template;
}

/** The fault list of one emulator, with its own seeded dice. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private prng: Prng;

  constructor(private readonly seed: number) {
    this.prng = new Prng(seed);
  }

  /** Replaces the list (validating every entry first, so a bad list changes nothing). */
  set(faults: readonly FaultSpec[]): void {
    for (const spec of faults) validate(spec);
    this.faults = faults.map((spec) => ({ spec: { ...spec }, remaining: spec.count ?? Number.POSITIVE_INFINITY }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Clears the list and rewinds the dice. */
  reset(): void {
    this.faults = [];
    this.prng = new Prng(this.seed);
  }

  decide(method: string, template: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, action: undefined };
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matches(fault.spec.route, method, template)) continue;
      const probability = fault.spec.probability ?? 1;
      // Roll only for uncertain faults, so adding a certain one does not shift everyone else's dice.
      if (probability < 1 && !(this.prng.next() < probability)) continue;
      const { spec } = fault;
      if (spec.kind === 'latency') {
        fault.remaining -= 1;
        decision.latencyMs += spec.latencyMs ?? 0;
        continue;
      }
      if (decision.action !== undefined) continue;
      fault.remaining -= 1;
      if (spec.kind === 'status') {
        const status = spec.status ?? 503;
        decision.action = {
          kind: 'status',
          status,
          code: spec.code ?? defaultCodeFor(status),
          retryAfter: spec.retryAfter ?? (status === 429 ? 1 : undefined),
          afterHandling: spec.afterHandling ?? false,
        };
      } else decision.action = { kind: spec.kind, afterHandling: spec.afterHandling ?? false };
      if (spec.afterEvents !== undefined) decision.afterEvents = spec.afterEvents;
    }
    return decision;
  }
}
