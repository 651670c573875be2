import { iso } from './clock.js';
import { jobStateAt } from './job-lifecycle.js';
import { unitHash } from './prng.js';
import type { JobRecord } from './records.js';
import type { Store } from './store.js';

/**
 * The emulated cluster: a fixed node inventory shared by every tenant, the operators' drain state
 * of each node, and which running job holds which GPUs. Placement is recomputed from the jobs'
 * states at the time asked, so it follows the simulated clock like everything else.
 */

export type NodeStatus = 'READY' | 'DRAINING' | 'DRAINED' | 'DOWN';

interface NodeSpec {
  nodeId: string;
  gpuType: string;
  gpuCount: number;
  /** Broken hardware: no jobs, and operators cannot enable it. */
  down?: boolean;
}

function nodes(prefix: string, gpuType: string, count: number, down: readonly number[] = []): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    nodeId: `node-${prefix}-${String(i + 1).padStart(2, '0')}`,
    gpuType,
    gpuCount: 8,
    down: down.includes(i + 1),
  }));
}

/** Eight GPUs per node; one L40S node is down, so the inventory always shows every status but two. */
export const INVENTORY: readonly NodeSpec[] = [
  ...nodes('h100', 'H100', 8),
  ...nodes('a100', 'A100', 4),
  ...nodes('l40s', 'L40S', 2, [2]),
];

/** GPU types a job may ask for: the ones the inventory has. */
export const GPU_TYPES: ReadonlySet<string> = new Set(INVENTORY.map((node) => node.gpuType));

/** States in which a job holds its GPUs (PAUSED and queued jobs hold none). */
const HOLDS_GPUS: ReadonlySet<string> = new Set(['PREPARING', 'TRAINING', 'CHECKPOINTING', 'EVALUATING', 'EXPORTING']);

interface Drain {
  since: number;
  reason: string;
}

/** Operators' changes to the inventory: drained nodes. Lives in the store, so a reset undoes it. */
export class NodeStates {
  private readonly drains = new Map<string, Drain>();

  drain(nodeId: string, since: number, reason: string): void {
    if (!this.drains.has(nodeId)) this.drains.set(nodeId, { since, reason });
  }

  enable(nodeId: string): void {
    this.drains.delete(nodeId);
  }

  drainOf(nodeId: string): Drain | undefined {
    return this.drains.get(nodeId);
  }
}

export interface NodeView {
  spec: NodeSpec;
  status: NodeStatus;
  gpusInUse: number;
  jobs: JobRecord[];
  drainReason: string | null;
}

export function findNode(nodeId: string): NodeSpec | undefined {
  return INVENTORY.find((node) => node.nodeId === nodeId);
}

/**
 * Where every running job sits at `now`: jobs in start order, each on the first nodes of its GPU
 * type with room, all or nothing. A draining node keeps the jobs that started before the drain
 * and takes no new ones; once empty it is DRAINED.
 */
export function clusterAt(store: Store, now: number): NodeView[] {
  const views = INVENTORY.map((spec): NodeView => {
    const drain = store.nodes.drainOf(spec.nodeId);
    return {
      spec,
      status: spec.down ? 'DOWN' : drain ? 'DRAINING' : 'READY',
      gpusInUse: 0,
      jobs: [],
      drainReason: drain?.reason ?? null,
    };
  });
  const running: Array<{ job: JobRecord; startedAt: number }> = [];
  for (const job of store.allJobs()) {
    const state = jobStateAt(job, now);
    if (HOLDS_GPUS.has(state.status)) running.push({ job, startedAt: state.startedAt ?? job.createdAt });
  }
  running.sort((a, b) => a.startedAt - b.startedAt || (a.job.jobId < b.job.jobId ? -1 : 1));
  for (const { job, startedAt } of running) {
    const candidates = views.filter((view) => {
      if (view.spec.gpuType !== job.gpuType || view.status === 'DOWN') return false;
      const drain = store.nodes.drainOf(view.spec.nodeId);
      return drain === undefined || startedAt < drain.since;
    });
    const free = candidates.reduce((sum, view) => sum + view.spec.gpuCount - view.gpusInUse, 0);
    // A job the inventory cannot hold is waiting for capacity; it occupies nothing.
    if (free < job.gpuCount) continue;
    let need = job.gpuCount;
    for (const view of candidates) {
      const take = Math.min(need, view.spec.gpuCount - view.gpusInUse);
      if (take <= 0) continue;
      view.gpusInUse += take;
      view.jobs.push(job);
      need -= take;
      if (need === 0) break;
    }
  }
  for (const view of views) {
    if (view.status === 'DRAINING' && view.jobs.length === 0) view.status = 'DRAINED';
  }
  return views;
}

/** A node on the wire; only the caller's own jobs are named (other tenants' only count). */
export function nodeWire(view: NodeView, tenant: string): Record<string, unknown> {
  return {
    node_id: view.spec.nodeId,
    status: view.status,
    gpu_type: view.spec.gpuType,
    gpu_count: view.spec.gpuCount,
    gpus_in_use: view.gpusInUse,
    running_job_ids: view.jobs.filter((job) => job.tenant === tenant).map((job) => job.jobId),
  };
}

/** Datasets the cluster has cached for a tenant: the sources of its jobs that got past scheduling. */
export function cacheEntries(store: Store, tenant: string, now: number): Record<string, unknown>[] {
  const firstUse = new Map<string, number>();
  for (const job of store.jobsOf(tenant)) {
    const { startedAt } = jobStateAt(job, now);
    if (startedAt === null) continue;
    // Data is staged while the job prepares, right after scheduling.
    const cachedAt = startedAt + job.plan.schedulingMs;
    if (cachedAt > now) continue;
    for (const uri of job.dataSources) {
      const known = firstUse.get(uri);
      if (known === undefined || cachedAt < known) firstUse.set(uri, cachedAt);
    }
  }
  return [...firstUse.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([uri, cachedAt]) => ({
      uri,
      // 50 MB to 20 GB, stable per URI.
      size_bytes: Math.round(50e6 + unitHash(uri, 'size') * 19.95e9),
      cached_at: iso(cachedAt),
    }));
}
