import { iso } from '../clock.js';
import { clusterAt, findNode, nodeWire } from '../cluster.js';
import type { HandlerContext, JsonReply } from '../context.js';
import { failedPrecondition, notFound } from '../errors.js';
import { Snapshot } from '../store.js';
import { FieldErrors, optionalString } from '../validation.js';

/** GET /queue: the caller's tenant's queue; training jobs and evaluations share it. */
export function getQueue(ctx: HandlerContext): JsonReply {
  const queue = ctx.snapshot.queue();
  const byStatus: Record<string, number> = { PENDING: 0, QUEUED: 0 };
  for (const entry of queue) byStatus[entry.state.status] = (byStatus[entry.state.status] ?? 0) + 1;
  return {
    status: 200,
    data: {
      depth: queue.length,
      by_status: byStatus,
      entries: queue.map((entry) => ({
        job_id: entry.kind === 'training' ? entry.job.jobId : entry.evaluation.evaluationId,
        type: entry.kind,
        position: entry.position,
        priority: entry.priority,
        enqueued_at: iso(entry.enqueuedAt),
      })),
    },
  };
}

/** GET /cluster: totals over the whole (shared) inventory; the queue depth counts every tenant. */
export function getCluster(ctx: HandlerContext): JsonReply {
  const views = clusterAt(ctx.store, ctx.now);
  const byType = new Map<string, { gpu_type: string; total: number; in_use: number }>();
  let gpusTotal = 0;
  let gpusInUse = 0;
  for (const view of views) {
    gpusTotal += view.spec.gpuCount;
    gpusInUse += view.gpusInUse;
    const type = byType.get(view.spec.gpuType) ?? { gpu_type: view.spec.gpuType, total: 0, in_use: 0 };
    type.total += view.spec.gpuCount;
    type.in_use += view.gpusInUse;
    byType.set(view.spec.gpuType, type);
  }
  let queueDepth = 0;
  for (const tenant of ctx.store.tenants()) {
    queueDepth +=
      tenant === ctx.tenant ? ctx.snapshot.queue().length : new Snapshot(ctx.store, tenant, ctx.now).queue().length;
  }
  return {
    status: 200,
    data: {
      nodes_total: views.length,
      nodes_ready: views.filter((view) => view.status === 'READY').length,
      gpus_total: gpusTotal,
      gpus_in_use: gpusInUse,
      gpu_types: [...byType.values()],
      queue_depth: queueDepth,
    },
  };
}

/** GET /nodes */
export function listNodes(ctx: HandlerContext): JsonReply {
  const views = clusterAt(ctx.store, ctx.now);
  return { status: 200, data: { nodes: views.map((view) => nodeWire(view, ctx.tenant)) } };
}

function nodeReply(ctx: HandlerContext, nodeId: string): JsonReply {
  const view = clusterAt(ctx.store, ctx.now).find((candidate) => candidate.spec.nodeId === nodeId);
  if (view === undefined) throw notFound('node', nodeId);
  return { status: 200, data: nodeWire(view, ctx.tenant) };
}

/** Body `{reason?}`; an unknown node is 404, a DOWN one 409; draining twice changes nothing. */
function nodeAction(apply: (ctx: HandlerContext, nodeId: string, reason: string) => void) {
  return (ctx: HandlerContext): JsonReply => {
    const errors = new FieldErrors();
    const reason = optionalString(ctx.body, 'reason', errors) ?? '';
    errors.throwIfAny();
    const nodeId = ctx.params.node_id ?? '';
    const spec = findNode(nodeId);
    if (spec === undefined) throw notFound('node', nodeId);
    if (spec.down) throw failedPrecondition(`node ${nodeId} is DOWN; it cannot be drained or enabled until repaired`);
    apply(ctx, nodeId, reason);
    return nodeReply(ctx, nodeId);
  };
}

/** POST /nodes/{node_id}/drain */
export const drainNode = nodeAction((ctx, nodeId, reason) => ctx.store.nodes.drain(nodeId, ctx.now, reason));

/** POST /nodes/{node_id}/enable */
export const enableNode = nodeAction((ctx, nodeId) => ctx.store.nodes.enable(nodeId));
