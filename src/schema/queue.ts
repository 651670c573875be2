/** Queue: how many of the tenant's jobs wait, by status. */
import type { QueueInfo } from '../coordinator/domain.js';
import { builder } from './builder.js';

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

const QueueRef = builder.objectRef<QueueInfo>('Queue').implement({
  description: 'The scheduling queue as your tenant sees it.',
  fields: (t) => ({
    depth: t.exposeInt('depth', { description: 'Jobs waiting to be scheduled.' }),
    byStatus: t.field({
      type: [StatusCountRef],
      resolve: (queue) => Object.entries(queue.byStatus).map(([status, count]) => ({ status, count })),
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
