/** Cluster and ClusterNode: capacity, the node inventory, and the operators' drain / enable. */
import type { Context } from '../context.js';
import { type ClusterInfo, type ClusterNode, NODE_STATUSES } from '../coordinator/domain.js';
import { gatewayError } from '../errors.js';
import { builder } from './builder.js';
import { parseId, type UserError, UserErrorRef, userErrorFrom } from './common.js';
import { loadableNode } from './loaders.js';
import { TrainingJobRef } from './training-job.js';

export const NodeStatusEnum = builder.enumType('NodeStatus', {
  description: 'Whether a node takes work. UNKNOWN: the coordinator sent a status the gateway does not know.',
  values: [...NODE_STATUSES, 'UNKNOWN'] as const,
});

const ClusterStatusEnum = builder.enumType('ClusterStatus', {
  description: 'A summary of the node inventory for dashboards.',
  values: {
    HEALTHY: { description: 'Every node is ready.' },
    DEGRADED: { description: 'Some nodes are draining, drained or down.' },
    DOWN: { description: 'No node is ready: nothing new will start.' },
    UNKNOWN: { description: 'The coordinator did not report node counts.' },
  },
});

/** Every node of the inventory comes with one `GET /nodes`, so a batch of ids costs one call. */
async function loadNodes(ids: readonly string[], context: Context): Promise<Array<ClusterNode | Error>> {
  const nodes = await context.api.listNodes();
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  return ids.map((id) => byId.get(id) ?? gatewayError('NOT_FOUND', `Cluster node ${id} does not exist.`));
}

export const ClusterNodeRef = loadableNode<ClusterNode>('ClusterNode', {
  id: { resolve: (node) => node.nodeId },
  load: loadNodes,
  toKey: (node) => node.nodeId,
});

ClusterNodeRef.implement({
  description: 'One machine of the ScaiGrid cluster and the GPUs it offers.',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId', { description: 'The coordinator’s id, e.g. node-h100-01.' }),
    status: t.field({ type: NodeStatusEnum, resolve: (node) => node.status }),
    rawStatus: t.exposeString('rawStatus', { description: 'The status exactly as the coordinator sent it.' }),
    gpuType: t.exposeString('gpuType', { nullable: true }),
    gpuCount: t.exposeInt('gpuCount', { nullable: true }),
    gpusInUse: t.exposeInt('gpusInUse', { nullable: true }),
    gpusFree: t.int({
      nullable: true,
      description: 'gpuCount − gpusInUse; 0 on a node that takes no work (draining, drained, down).',
      resolve: (node) =>
        node.gpuCount === null || node.gpusInUse === null
          ? null
          : node.status === 'READY'
            ? Math.max(0, node.gpuCount - node.gpusInUse)
            : 0,
    }),
    runningJobIds: t.exposeStringList('runningJobIds', {
      description: 'Your jobs running on this node; other tenants’ jobs only count in gpusInUse.',
    }),
    runningJobs: t.field({
      type: [TrainingJobRef],
      nullable: true,
      description: 'Your jobs running on this node (batched; free when already loaded).',
      resolve: (node) => node.runningJobIds,
    }),
    raw: t.field({ type: 'JSON', description: 'The coordinator’s reply as received.', resolve: (node) => node.raw }),
  }),
});

interface GpuTypeView {
  gpuType: string;
  total: number | null;
  inUse: number | null;
}

const GpuTypeUsageRef = builder.objectRef<GpuTypeView>('GpuTypeUsage').implement({
  fields: (t) => ({
    gpuType: t.exposeString('gpuType', { description: 'H100, A100, ...: what `resourceConfig.gpuType` accepts.' }),
    total: t.exposeInt('total', { nullable: true }),
    inUse: t.exposeInt('inUse', { nullable: true }),
    available: t.int({
      nullable: true,
      resolve: (usage) =>
        usage.total === null || usage.inUse === null ? null : Math.max(0, usage.total - usage.inUse),
    }),
  }),
});

function clusterStatus(cluster: ClusterInfo): 'HEALTHY' | 'DEGRADED' | 'DOWN' | 'UNKNOWN' {
  if (cluster.nodesTotal === null || cluster.nodesReady === null) return 'UNKNOWN';
  if (cluster.nodesReady === 0) return 'DOWN';
  return cluster.nodesReady >= cluster.nodesTotal ? 'HEALTHY' : 'DEGRADED';
}

const ClusterRef = builder.objectRef<ClusterInfo>('Cluster').implement({
  description: 'The ScaiGrid cluster as a whole: nodes, GPUs by type and how much of them is in use.',
  fields: (t) => ({
    status: t.field({ type: ClusterStatusEnum, resolve: clusterStatus }),
    nodesTotal: t.exposeInt('nodesTotal', { nullable: true }),
    nodesReady: t.exposeInt('nodesReady', { nullable: true }),
    gpusTotal: t.exposeInt('gpusTotal', { nullable: true }),
    gpusInUse: t.exposeInt('gpusInUse', { nullable: true }),
    utilization: t.float({
      nullable: true,
      description: 'gpusInUse / gpusTotal, from 0 to 1.',
      resolve: (cluster) =>
        cluster.gpusInUse === null || !cluster.gpusTotal ? null : Math.min(1, cluster.gpusInUse / cluster.gpusTotal),
    }),
    gpuTypes: t.field({ type: [GpuTypeUsageRef], resolve: (cluster) => cluster.gpuTypes }),
    queueDepth: t.exposeInt('queueDepth', { nullable: true, description: 'Workloads waiting, across tenants.' }),
    nodes: t.field({
      type: [ClusterNodeRef],
      // A second upstream call (GET /nodes): its failure must not take the totals down with it.
      nullable: true,
      description: 'The node inventory (one more coordinator call).',
      resolve: async (_cluster, _args, context) => {
        const nodes = await context.api.listNodes();
        const loader = ClusterNodeRef.getDataloader(context);
        for (const node of nodes) loader.prime(node.nodeId, node);
        return nodes;
      },
    }),
    raw: t.field({ type: 'JSON', description: 'The coordinator’s reply as received.', resolve: (c) => c.raw }),
  }),
});

builder.queryField('cluster', (t) =>
  t.field({
    type: ClusterRef,
    nullable: true,
    description: 'Cluster status and utilisation (needs scaimind:view).',
    resolve: (_root, _args, context) => context.api.getCluster(),
  }),
);

// ---- drainNode / enableNode ------------------------------------------------------------------

interface NodeActionPayload {
  node: ClusterNode | null;
  userErrors: UserError[];
}

function nodeAction(name: string, description: string, act: 'drainNode' | 'enableNode') {
  builder.relayMutationField(
    name,
    {
      inputFields: (t) => ({
        nodeId: t.id({ required: true, description: 'The node’s ID or its coordinator id (node-…).' }),
        reason: t.string({ required: false, description: 'Shown to other operators; kept by the coordinator.' }),
      }),
    },
    {
      description,
      resolve: async (_root, args, context): Promise<NodeActionPayload> => {
        const nodeId = parseId(args.input.nodeId, 'ClusterNode');
        try {
          const node = await context.api[act](nodeId, { reason: args.input.reason ?? undefined });
          return { node, userErrors: [] };
        } catch (error) {
          // A missing permission stays a FORBIDDEN error: it is about the caller, not the input.
          const userError = userErrorFrom(error, ['input', 'nodeId']);
          if (!userError) throw error;
          return { node: null, userErrors: [userError] };
        }
      },
    },
    {
      outputFields: (t) => ({
        node: t.field({ type: ClusterNodeRef, nullable: true, resolve: (payload: NodeActionPayload) => payload.node }),
        userErrors: t.field({ type: [UserErrorRef], resolve: (payload: NodeActionPayload) => payload.userErrors }),
      }),
    },
  );
}

nodeAction(
  'drainNode',
  'Stop scheduling new work on a node; running jobs finish there (DRAINING, then DRAINED). Needs scaimind:cluster_admin. Draining a draining node changes nothing; a DOWN node is a CONFLICT userError.',
  'drainNode',
);
nodeAction(
  'enableNode',
  'Let a drained or draining node take work again. Needs scaimind:cluster_admin. A DOWN node is a CONFLICT userError.',
  'enableNode',
);
