/** LogLine: one line of a training job's log, and the `trainingJobLogs` subscription that streams them. */
import type { LogLine } from '../coordinator/domain.js';
import { gatewayError } from '../errors.js';
import type { StreamBatch } from '../live/types.js';
import { builder } from './builder.js';
import { parseId, watcherOf } from './common.js';

/** Lines a new watcher may ask to see first. */
export const MAX_TAIL = 1000;

const LogLineRef = builder.objectRef<LogLine>('LogLine').implement({
  description: 'One line of a training job’s log, as the coordinator streamed it.',
  fields: (t) => ({
    sequence: t.exposeString('sequence', {
      nullable: true,
      description:
        'The coordinator’s rising sequence number of the line: pass the last one you saw as `since` to resume after it.',
    }),
    timestamp: t.field({ type: 'DateTime', nullable: true, resolve: (line) => line.timestamp }),
    level: t.exposeString('level', {
      nullable: true,
      description: 'INFO, WARN, ERROR, ... as the coordinator spells it.',
    }),
    message: t.exposeString('message'),
    step: t.exposeInt('step', {
      nullable: true,
      description: 'The training step the line belongs to, when it names one.',
    }),
  }),
});

const LogEventRef = builder.objectRef<StreamBatch<LogLine>>('TrainingJobLogsEvent').implement({
  description:
    'Log lines of one job, in order. The first event carries the requested tail (possibly no lines); later events carry new lines.',
  fields: (t) => ({
    lines: t.field({ type: [LogLineRef], resolve: (batch) => batch.items }),
    droppedLines: t.int({
      description:
        'Lines this subscriber missed right before `lines` because it read more slowly than the job logged (0 normally). ' +
        'The gateway keeps a bounded window per job; a subscriber that falls behind it skips ahead rather than holding the others up.',
      resolve: (batch) => batch.dropped,
    }),
  }),
});

builder.subscriptionField('trainingJobLogs', (t) =>
  t.field({
    type: LogEventRef,
    description:
      'A training job’s log: first the last `tail` lines (or the lines after `since`), then new lines as the job writes them, ' +
      'in order, without gaps or repeats across upstream reconnects; completes after the job ends. ' +
      'All subscribers of one job (with the same credential) share one upstream stream. ' +
      'Errors carry a stable code: NOT_FOUND, FORBIDDEN, UNAUTHENTICATED, UPSTREAM_UNAVAILABLE.',
    args: {
      id: t.arg.id({ required: true, description: 'The training job (global ID or job_…).' }),
      tail: t.arg.int({
        required: false,
        defaultValue: 100,
        description: `How many of the latest lines come first (0-${MAX_TAIL}).`,
      }),
      since: t.arg.string({
        required: false,
        description:
          'Resume after this `LogLine.sequence` instead of taking a tail (within the latest lines the gateway holds).',
      }),
    },
    subscribe: (_root, args, context) => {
      const tail = args.tail ?? 100;
      if (!Number.isInteger(tail) || tail < 0 || tail > MAX_TAIL) {
        throw gatewayError('BAD_USER_INPUT', `tail must be from 0 to ${MAX_TAIL}.`);
      }
      const jobId = parseId(args.id, 'TrainingJob');
      return context.live.watchStream('logs', jobId, { tail, since: args.since ?? null }, watcherOf(context));
    },
    resolve: (batch: StreamBatch<LogLine>) => batch,
  }),
);
