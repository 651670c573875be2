import { NodeStates } from './cluster.js';
import { type EvaluationState, evaluationStateAt } from './evaluation-lifecycle.js';
import { type JobState, jobStateAt } from './job-lifecycle.js';
import { hexHash } from './prng.js';
import type { EvaluationRecord, JobRecord } from './records.js';

/**
 * All tenants' jobs and evaluations. Lookups are always scoped by tenant: an id of another tenant
 * is indistinguishable from an unknown one (the handlers answer 404, not 403).
 */
export class Store {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly evaluations = new Map<string, EvaluationRecord>();
  private readonly jobsByTenant = new Map<string, JobRecord[]>();
  private readonly evaluationsByTenant = new Map<string, EvaluationRecord[]>();
  /** Operators' drains of cluster nodes (the inventory itself is fixed). */
  readonly nodes = new NodeStates();
  /** Per-tenant id counters: ids derive from (tenant, kind, counter), so a replay yields the same ids. */
  private readonly counters = new Map<string, number>();

  private nextId(prefix: string, tenant: string, taken: (id: string) => boolean): string {
    const counterKey = `${tenant}:${prefix}`;
    for (;;) {
      const n = (this.counters.get(counterKey) ?? 0) + 1;
      this.counters.set(counterKey, n);
      const id = `${prefix}_${hexHash(tenant, prefix, n)}`;
      if (!taken(id)) return id;
    }
  }

  newJobId(tenant: string): string {
    return this.nextId('job', tenant, (id) => this.jobs.has(id));
  }

  newEvaluationId(tenant: string): string {
    return this.nextId('eval', tenant, (id) => this.evaluations.has(id));
  }

  addJob(job: JobRecord): void {
    this.jobs.set(job.jobId, job);
    const list = this.jobsByTenant.get(job.tenant);
    if (list === undefined) this.jobsByTenant.set(job.tenant, [job]);
    else list.push(job);
  }

  addEvaluation(evaluation: EvaluationRecord): void {
    this.evaluations.set(evaluation.evaluationId, evaluation);
    const list = this.evaluationsByTenant.get(evaluation.tenant);
    if (list === undefined) this.evaluationsByTenant.set(evaluation.tenant, [evaluation]);
    else list.push(evaluation);
  }

  job(tenant: string, jobId: string): JobRecord | undefined {
    const job = this.jobs.get(jobId);
    return job?.tenant === tenant ? job : undefined;
  }

  evaluation(tenant: string, evaluationId: string): EvaluationRecord | undefined {
    const evaluation = this.evaluations.get(evaluationId);
    return evaluation?.tenant === tenant ? evaluation : undefined;
  }

  jobsOf(tenant: string): readonly JobRecord[] {
    return this.jobsByTenant.get(tenant) ?? [];
  }

  evaluationsOf(tenant: string): readonly EvaluationRecord[] {
    return this.evaluationsByTenant.get(tenant) ?? [];
  }

  /** Every tenant's jobs: the cluster (nodes, GPUs) is shared, so its view spans tenants. */
  allJobs(): IterableIterator<JobRecord> {
    return this.jobs.values();
  }

  tenants(): IterableIterator<string> {
    return this.jobsByTenant.keys();
  }
}

/** Training jobs and evaluations share the scheduling queue. */
export type QueueEntry =
  | { kind: 'training'; job: JobRecord; state: JobState; enqueuedAt: number; priority: number; position: number }
  | {
      kind: 'evaluation';
      evaluation: EvaluationRecord;
      state: EvaluationState;
      enqueuedAt: number;
      priority: number;
      position: number;
    };

/** Evaluations carry no priority of their own; the scheduler gives them the default. */
export const EVALUATION_PRIORITY = 5;

const idOf = (entry: QueueEntry) => (entry.kind === 'training' ? entry.job.jobId : entry.evaluation.evaluationId);

/**
 * One request's consistent view of a tenant at one instant: states are computed once per record
 * and queue positions once per request, so a page of 100 jobs costs O(tenant size), not O(n²).
 */
export class Snapshot {
  private readonly jobStates = new Map<string, JobState>();
  private readonly evaluationStates = new Map<string, EvaluationState>();
  private queueCache: QueueEntry[] | undefined;
  private positions: Map<string, number> | undefined;

  constructor(
    readonly store: Store,
    readonly tenant: string,
    readonly now: number,
  ) {}

  /** Forgets cached states after a write within the same request. */
  invalidate(): void {
    this.jobStates.clear();
    this.evaluationStates.clear();
    this.queueCache = undefined;
    this.positions = undefined;
  }

  jobState(job: JobRecord): JobState {
    return cached(this.jobStates, job.jobId, () => jobStateAt(job, this.now));
  }

  evaluationState(evaluation: EvaluationRecord): EvaluationState {
    return cached(this.evaluationStates, evaluation.evaluationId, () => evaluationStateAt(evaluation, this.now));
  }

  /**
   * The tenant's queue: QUEUED jobs and evaluations first, by time queued (then priority, then id),
   * with positions from 1; then PENDING jobs (position 0: not in the queue yet).
   */
  queue(): QueueEntry[] {
    if (this.queueCache !== undefined) return this.queueCache;
    const queued: QueueEntry[] = [];
    const pending: QueueEntry[] = [];
    for (const job of this.store.jobsOf(this.tenant)) {
      const state = this.jobState(job);
      if (state.status === 'QUEUED') {
        queued.push({
          kind: 'training',
          job,
          state,
          enqueuedAt: state.segmentStart,
          priority: job.priority,
          position: 0,
        });
      } else if (state.status === 'PENDING') {
        pending.push({ kind: 'training', job, state, enqueuedAt: job.createdAt, priority: job.priority, position: 0 });
      }
    }
    for (const evaluation of this.store.evaluationsOf(this.tenant)) {
      const state = this.evaluationState(evaluation);
      if (state.status !== 'QUEUED') continue;
      queued.push({
        kind: 'evaluation',
        evaluation,
        state,
        enqueuedAt: evaluation.createdAt,
        priority: EVALUATION_PRIORITY,
        position: 0,
      });
    }
    queued.sort((a, b) => a.enqueuedAt - b.enqueuedAt || b.priority - a.priority || (idOf(a) < idOf(b) ? -1 : 1));
    queued.forEach((entry, i) => {
      entry.position = i + 1;
    });
    pending.sort((a, b) => a.enqueuedAt - b.enqueuedAt || (idOf(a) < idOf(b) ? -1 : 1));
    this.queueCache = [...queued, ...pending];
    return this.queueCache;
  }

  queuePosition(job: JobRecord): number {
    if (this.jobState(job).status !== 'QUEUED') return 0;
    if (this.positions === undefined) {
      this.positions = new Map(this.queue().map((e) => [idOf(e), e.position]));
    }
    return this.positions.get(job.jobId) ?? 0;
  }
}

/** The value `map` holds under `key`, computed and kept on first use. */
function cached<K, V>(map: Map<K, V>, key: K, compute: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = compute();
    map.set(key, value);
  }
  return value;
}
