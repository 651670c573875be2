/** Queue: what waits to be scheduled, training jobs and evaluations alike, in order. */
import type { Evaluation, QueueEntry, QueueInfo, TrainingJob } from '../coordinator/domain.js';
import { gatewayError } from '../errors.js';
import { builder } from './builder.js';
import { EvaluationRef } from './evaluation.js';
import { MAX_FIRST } from './pagination.js';
import { TrainingJobRef } from './training-job.js';

interface StatusCount {
  status: string;
  count: number;
}

const StatusCountRef = builder.objectRef<StatusCount>('StatusCount').implement({
  fields: (t) => ({
    status: t.exposeString('status', { description: 'The coordinator status name.' }),
    count: t.exposeInt('count'),
  }),
});

const WorkloadTypeEnum = builder.enumType('WorkloadType', {
  values: {
    TRAINING: { description: 'A training job.' },
    EVALUATION: { description: 'An evaluation (they share the queue with training jobs).' },
    UNKNOWN: { description: 'A kind of workload the gateway does not know.' },
  },
});

const WorkloadUnion = builder.unionType('Workload', {
  description: 'Something the cluster runs.',
  types: [TrainingJobRef, EvaluationRef],
  resolveType: (workload) => ('evaluationId' in workload ? EvaluationRef : TrainingJobRef),
});

const QueueEntryRef = builder.objectRef<QueueEntry>('QueueEntry').implement({
  fields: (t) => ({
    position: t.exposeInt('position', {
      nullable: true,
      description: '1 is next to be scheduled; 0 while the workload is not queued yet (PENDING).',
    }),
    type: t.field({ type: WorkloadTypeEnum, resolve: (entry) => entry.type }),
    workloadId: t.exposeString('workloadId', { description: 'The job_… or eval_… id.' }),
    priority: t.exposeInt('priority', { nullable: true, description: '0-10; higher goes first among equals.' }),
    enqueuedAt: t.field({ type: 'DateTime', nullable: true, resolve: (entry) => entry.enqueuedAt }),
    workload: t.field({
      type: WorkloadUnion,
      nullable: true,
      description: 'The queued job or evaluation (batched; null if it is gone by now).',
      resolve: async (entry, _args, context): Promise<TrainingJob | Evaluation | null> => {
        if (entry.type === 'EVALUATION') return EvaluationRef.getDataloader(context).load(entry.workloadId);
        if (entry.type === 'TRAINING') return TrainingJobRef.getDataloader(context).load(entry.workloadId);
        return null;
      },
    }),
  }),
});

const QueueRef = builder.objectRef<QueueInfo>('Queue').implement({
  description: 'The scheduling queue as your tenant sees it.',
  fields: (t) => ({
    depth: t.exposeInt('depth', { description: 'Workloads waiting to be scheduled.' }),
    byStatus: t.field({
      type: [StatusCountRef],
      resolve: (queue) => Object.entries(queue.byStatus).map(([status, count]) => ({ status, count })),
    }),
    entries: t.field({
      type: [QueueEntryRef],
      description:
        'Queued workloads in the order the coordinator gave (next to be scheduled first), at most `first` (1-100, default 50): each selected `workload` costs a coordinator call.',
      args: { first: t.arg.int({ required: false, defaultValue: 50 }) },
      resolve: (queue, { first }) => {
        const limit = first ?? 50;
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FIRST) {
          throw gatewayError('BAD_USER_INPUT', `\`first\` must be from 1 to ${MAX_FIRST}, got ${limit}.`);
        }
        return queue.entries.slice(0, limit);
      },
    }),
    raw: t.field({ type: 'JSON', resolve: (queue) => queue.raw }),
  }),
});

builder.queryField('queue', (t) =>
  t.field({
    type: QueueRef,
    nullable: true,
    resolve: (_root, _args, context) => context.api.getQueue(),
  }),
);
