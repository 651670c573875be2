/** Checkpoint: a saved state of a training job, addressable as a node through its job. */

import type { Context } from '../context.js';
import type { Checkpoint, TrainingJob } from '../coordinator/domain.js';
import { gatewayError } from '../errors.js';
import { loadableNode, loadEach } from './loaders.js';
import { TrainingJobRef } from './training-job.js';

/** A checkpoint id is only unique within its job, so its node key carries both. */
export function checkpointKey(jobId: string, checkpointId: string): string {
  return `${jobId}/${checkpointId}`;
}

async function loadCheckpoint(key: string, context: Context): Promise<Checkpoint> {
  const slash = key.indexOf('/');
  const jobId = key.slice(0, slash);
  const checkpointId = key.slice(slash + 1);
  if (slash < 1 || !checkpointId) throw gatewayError('BAD_USER_INPUT', 'Malformed Checkpoint ID.');
  let job: TrainingJob;
  try {
    job = await TrainingJobRef.getDataloader(context).load(jobId);
  } catch (error) {
    // The job loader hands every caller the same error object, and `node`/`nodes` brand each
    // result with its type: a job and its checkpoint asked together would brand that one object
    // as TrainingJob and as Checkpoint, which Pothos refuses ("Cannot redefine property") and
    // which would fail the whole `nodes` list. The checkpoint gets an error of its own, the same
    // in every other respect (class, code, message, upstream request id).
    throw error instanceof Error ? (Object.create(error) as Error) : error;
  }
  const checkpoint = job.checkpoints.find((candidate) => candidate.checkpointId === checkpointId);
  // A coordinator that sends no checkpoints list says nothing about them: the checkpoint is known by
  // its ids only (an evaluation names it), and its details are unknown rather than invented.
  if (!checkpoint && !job.checkpointsListed) {
    return { checkpointId, jobId, step: null, epoch: null, uri: null, createdAt: null };
  }
  if (!checkpoint) throw gatewayError('NOT_FOUND', `Checkpoint ${checkpointId} of job ${jobId} does not exist.`);
  return checkpoint;
}

export const CheckpointRef = loadableNode<Checkpoint>('Checkpoint', {
  id: { resolve: (checkpoint) => checkpointKey(checkpoint.jobId, checkpoint.checkpointId) },
  // Checkpoints arrive with their job; loading one by ID loads (and caches) the job.
  load: (keys, context) => loadEach(keys, (key) => loadCheckpoint(key, context)),
});

CheckpointRef.implement({
  description: 'A saved state of a training job; evaluations can score it before the job completes.',
  fields: (t) => ({
    checkpointId: t.exposeString('checkpointId', { description: 'The coordinator’s id, unique within its job.' }),
    step: t.exposeInt('step', { nullable: true }),
    epoch: t.exposeInt('epoch', { nullable: true }),
    uri: t.exposeString('uri', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (checkpoint) => checkpoint.createdAt }),
    job: t.field({ type: TrainingJobRef, nullable: true, resolve: (checkpoint) => checkpoint.jobId }),
  }),
});
