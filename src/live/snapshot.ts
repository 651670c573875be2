/**
 * What a subscriber sees of one resource, reduced to what decides "did it change?".
 *
 * Pollers compare fingerprints, not whole objects: `raw` and `updatedAt` move on every poll of a
 * running resource (heartbeats, timestamps) and would turn every poll into an event.
 */
import { createHash } from 'node:crypto';
import { type Evaluation, isTerminal, type TrainingJob } from '../coordinator/domain.js';
import type { Snapshot, WatchedKind, WatchedResource } from './types.js';

function visibleEvaluation(evaluation: Evaluation): unknown {
  return [
    evaluation.status,
    evaluation.rawStatus,
    evaluation.message,
    evaluation.benchmarks.map((b) => [b.name, b.status, b.score, b.metrics, b.numSamples]),
  ];
}

function visibleJob(job: TrainingJob): unknown {
  return [
    job.status,
    job.rawStatus,
    job.message,
    job.progress,
    // Queue position is what a waiting user watches; it changes rarely and only while queued.
    job.queuePosition,
    job.outputModelUri,
    job.checkpoints.map((c) => [c.checkpointId, c.step, c.epoch, c.uri]),
  ];
}

/** A short digest of the client-visible fields of `value` (stable across instances). */
export function fingerprintOf<K extends WatchedKind>(kind: K, value: WatchedResource[K]): string {
  const visible = kind === 'evaluation' ? visibleEvaluation(value as Evaluation) : visibleJob(value as TrainingJob);
  return createHash('sha1').update(JSON.stringify(visible)).digest('base64url');
}

/** Wraps a freshly polled value. */
export function snapshotOf<K extends WatchedKind>(kind: K, value: WatchedResource[K]): Snapshot<K> {
  return { fingerprint: fingerprintOf(kind, value), terminal: isTerminal(value.status), value };
}
