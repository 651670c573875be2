/**
 * MetricsSnapshot and MetricSeries: a training job's metrics as they stream (the
 * `trainingJobMetrics` subscription) and as history for charts (`TrainingJob.metricHistory`).
 */
import type { Context } from '../context.js';
import type { MetricsSnapshot, TrainingJob } from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { gatewayError } from '../errors.js';
import type { StreamBatch } from '../live/types.js';
import { MIN_POINTS, SeriesBuilder, type SeriesPoint } from '../series.js';
import { builder } from './builder.js';
import { MetricRef, parseId, toMetrics, watcherOf } from './common.js';
import { TrainingJobRef } from './training-job.js';

const MAX_NAMES = 20;
const MAX_POINTS = 5000;
/** Series are compacted to this many points while history is read: memory per series stays bounded. */
const WORKING_POINTS = 8192;
/** Reading history stops after this many snapshots, whatever the coordinator still has. */
const MAX_HISTORY_SNAPSHOTS = 200_000;
/** A history read that hears nothing (not even a heartbeat) for this long has all there is. */
const HISTORY_IDLE_MS = 2000;

function checkNames(names: readonly string[] | null | undefined): void {
  if (names && (names.length > MAX_NAMES || names.some((name) => name.length === 0 || name.length > 200))) {
    throw gatewayError('BAD_USER_INPUT', `Name 1 to ${MAX_NAMES} metrics, each 1-200 characters.`);
  }
}

function pick(snapshot: MetricsSnapshot, names: readonly string[] | null | undefined): MetricsSnapshot {
  if (!names) return snapshot;
  const values: Record<string, number> = {};
  for (const name of names) {
    const value = snapshot.values[name];
    if (value !== undefined) values[name] = value;
  }
  return { ...snapshot, values };
}

const MetricsSnapshotRef = builder.objectRef<MetricsSnapshot>('MetricsSnapshot').implement({
  description: 'The metrics a training job reported at one step.',
  fields: (t) => ({
    sequence: t.exposeString('sequence', {
      nullable: true,
      description: 'The coordinator’s rising sequence number of the snapshot.',
    }),
    step: t.exposeInt('step', { nullable: true }),
    recordedAt: t.field({ type: 'DateTime', nullable: true, resolve: (snapshot) => snapshot.recordedAt }),
    values: t.field({ type: [MetricRef], resolve: (snapshot) => toMetrics(snapshot.values) }),
    value: t.float({
      nullable: true,
      args: { name: t.arg.string({ required: true }) },
      resolve: (snapshot, { name }) => snapshot.values[name] ?? null,
    }),
  }),
});

const MetricsEventRef = builder.objectRef<StreamBatch<MetricsSnapshot>>('TrainingJobMetricsEvent').implement({
  description:
    'Metrics snapshots of one job, in order. The first event carries the latest snapshot (none before the job reports any).',
  fields: (t) => ({
    snapshots: t.field({ type: [MetricsSnapshotRef], resolve: (batch) => batch.items }),
    droppedSnapshots: t.int({
      description: 'Snapshots this subscriber missed right before `snapshots` because it read too slowly (0 normally).',
      resolve: (batch) => batch.dropped,
    }),
  }),
});

builder.subscriptionField('trainingJobMetrics', (t) =>
  t.field({
    type: MetricsEventRef,
    description:
      'A training job’s metrics: the latest snapshot first, then each new one, in order; completes after the job ends. ' +
      'All subscribers of one job (with the same credential) share one upstream stream.',
    args: {
      id: t.arg.id({ required: true, description: 'The training job (global ID or job_…).' }),
      names: t.arg.stringList({
        required: false,
        description: `Only these metrics (up to ${MAX_NAMES}); all when omitted.`,
      }),
    },
    subscribe: (_root, args, context) => {
      checkNames(args.names);
      const jobId = parseId(args.id, 'TrainingJob');
      return context.live.watchStream('metrics', jobId, { tail: 1, since: null }, watcherOf(context));
    },
    resolve: (batch: StreamBatch<MetricsSnapshot>, args) => ({
      dropped: batch.dropped,
      items: batch.items.map((snapshot) => pick(snapshot, args.names)),
    }),
  }),
);

// ---- History ------------------------------------------------------------------------------------

interface SeriesView {
  name: string;
  points: SeriesPoint[];
  sourcePoints: number;
}

const MetricPointRef = builder.objectRef<SeriesPoint>('MetricPoint').implement({
  fields: (t) => ({
    step: t.exposeInt('step'),
    value: t.exposeFloat('value'),
    recordedAt: t.field({ type: 'DateTime', nullable: true, resolve: (point) => point.recordedAt }),
  }),
});

const MetricSeriesRef = builder.objectRef<SeriesView>('MetricSeries').implement({
  description:
    'One metric of one job by training step. A series holds at most one point per step: the value the job reported at ' +
    'that step (the later one when a resumed or retried run reported the step again), ordered by step, from the ' +
    'coordinator’s stream history and the snapshots the gateway saw on the job’s metrics stream. It never holds ' +
    'interpolated or invented points, values that were not numbers, or steps the job has not reached. Downsampled to ' +
    'at most `maxPoints` by keeping each bucket’s first, last, minimum and maximum, so spikes always stay.',
  fields: (t) => ({
    name: t.exposeString('name'),
    points: t.field({ type: [MetricPointRef], resolve: (series) => series.points }),
    sourcePoints: t.int({
      description: 'Points of the series before downsampling (one per step).',
      resolve: (series) => series.sourcePoints,
    }),
    downsampled: t.boolean({ resolve: (series) => series.points.length < series.sourcePoints }),
  }),
});

function addSnapshot(builders: Map<string, SeriesBuilder>, snapshot: MetricsSnapshot): void {
  if (snapshot.step === null) return;
  for (const [name, series] of builders) {
    const value = snapshot.values[name];
    if (value !== undefined) series.add({ step: snapshot.step, value, recordedAt: snapshot.recordedAt });
  }
}

/**
 * Reads the coordinator's history (the metrics stream from its start, up to the latest snapshot or
 * `[DONE]`) into the builders. Two upstream calls at most: the latest snapshot, then one stream.
 */
async function readHistory(context: Context, jobId: string, builders: Map<string, SeriesBuilder>): Promise<void> {
  const latest = await context.api.getJobMetrics(jobId);
  if (latest === null || latest.step === null || Object.keys(latest.values).length === 0) return;
  let read = 0;
  try {
    const stream = await context.api.streamJobMetrics(jobId, { since: '0', idleTimeoutMs: HISTORY_IDLE_MS });
    for await (const chunk of stream) {
      for (const snapshot of chunk.items) addSnapshot(builders, snapshot);
      read += chunk.items.length;
      const last = chunk.items.at(-1);
      if (chunk.done || read >= MAX_HISTORY_SNAPSHOTS || (last?.step != null && last.step >= latest.step)) break;
    }
  } catch (error) {
    // A history that goes quiet or drops has given what it has; anything else is the caller's error.
    if (!(error instanceof CoordinatorError && (error.kind === 'timeout' || error.kind === 'network'))) throw error;
  }
}

builder.objectField(TrainingJobRef, 'metricHistory', (t) =>
  t.field({
    type: [MetricSeriesRef],
    nullable: true,
    description:
      'Series of the named metrics by step, for charts: one per name, in the order asked (empty before the job reports). ' +
      'Costs at most 2 upstream calls (the latest snapshot, then one read of the metrics stream’s history); ' +
      `memory stays bounded however long the history. \`maxPoints\`: ${MIN_POINTS}-${MAX_POINTS}.`,
    args: {
      names: t.arg.stringList({ required: true, description: `1 to ${MAX_NAMES} metric names, e.g. ["loss"].` }),
      maxPoints: t.arg.int({ required: false, defaultValue: 500 }),
    },
    resolve: async (job: TrainingJob, args, context) => {
      const maxPoints = args.maxPoints ?? 500;
      checkNames(args.names);
      if (args.names.length === 0) throw gatewayError('BAD_USER_INPUT', 'Name at least one metric.');
      if (!Number.isInteger(maxPoints) || maxPoints < MIN_POINTS || maxPoints > MAX_POINTS) {
        throw gatewayError('BAD_USER_INPUT', `maxPoints must be from ${MIN_POINTS} to ${MAX_POINTS}.`);
      }
      const builders = new Map<string, SeriesBuilder>();
      for (const name of args.names) builders.set(name, new SeriesBuilder(WORKING_POINTS));
      await readHistory(context, job.jobId, builders);
      // What the gateway saw on the live stream comes last: for a step seen twice it is the newer value.
      for (const snapshot of await context.live.recentStream('metrics', job.jobId, context.credentialScope)) {
        addSnapshot(builders, snapshot);
      }
      return args.names.map((name) => {
        const series = builders.get(name) as SeriesBuilder;
        return { name, points: series.result(maxPoints), sourcePoints: series.size };
      });
    },
  }),
);
