/** Normalisers of the operator surface and job submission: each tolerated variant, one case. */
import { describe, expect, it } from 'vitest';
import {
  normalizeCluster,
  normalizeDataCache,
  normalizeNode,
  normalizeNodes,
  normalizeQueue,
  normalizeSubmittedJob,
  trainingJobConfigOf,
} from '../src/coordinator/wire.js';

describe('operator wire shapes', () => {
  it('reads the contract’s queue entries, and the older job-only list', () => {
    const current = normalizeQueue({
      depth: 2,
      by_status: { QUEUED: '2' },
      entries: [
        { job_id: 'job_1', type: 'training', position: 1, priority: 7, enqueued_at: '2026-11-27T10:00:00Z' },
        { job_id: 'eval_1', type: 'evaluation', position: 2, priority: 5, enqueued_at: { seconds: 1764237600 } },
        { job_id: 'x_1', type: 'batch_inference', position: 3 },
      ],
    });
    expect(current.byStatus).toEqual({ QUEUED: 2 });
    expect(current.entries).toEqual([
      { workloadId: 'job_1', type: 'TRAINING', position: 1, priority: 7, enqueuedAt: '2026-11-27T10:00:00.000Z' },
      { workloadId: 'eval_1', type: 'EVALUATION', position: 2, priority: 5, enqueuedAt: '2025-11-27T10:00:00.000Z' },
      { workloadId: 'x_1', type: 'UNKNOWN', position: 3, priority: null, enqueuedAt: null },
    ]);
    const older = normalizeQueue({ jobs: [{ job_id: 'job_2', queue_position: '4', status: 'QUEUED' }, 'junk'] });
    expect(older.depth).toBe(1);
    expect(older.entries).toEqual([
      { workloadId: 'job_2', type: 'TRAINING', position: 4, priority: null, enqueuedAt: null },
    ]);
  });

  it('reads the cluster, nodes with unknown or prefixed statuses, and the cache', () => {
    expect(
      normalizeCluster({ nodes_total: '3', gpu_types: [{ gpu_type: 'H100', total: 8, in_use: '2' }, {}] }),
    ).toMatchObject({
      nodesTotal: 3,
      nodesReady: null,
      gpuTypes: [{ gpuType: 'H100', total: 8, inUse: 2 }],
    });
    expect(
      normalizeNodes({
        nodes: [
          { node_id: 'n1', status: 'NODE_STATUS_DRAINED' },
          { id: 'n2', status: 'REBOOTING' },
        ],
      }).map((n) => [n.nodeId, n.status, n.rawStatus]),
    ).toEqual([
      ['n1', 'DRAINED', 'NODE_STATUS_DRAINED'],
      ['n2', 'UNKNOWN', 'REBOOTING'],
    ]);
    expect(normalizeNode({ status: 'READY', running_job_ids: ['job_1', 7, ''] }, 'n3')).toMatchObject({
      nodeId: 'n3',
      runningJobIds: ['job_1', '7'],
    });
    expect(normalizeDataCache({ entries: [{ uri: 's://a', size_bytes: '21474836480' }, { size_bytes: 1 }] })).toEqual([
      { uri: 's://a', sizeBytes: 21474836480, cachedAt: null },
    ]);
  });

  it('reads the submit reply, whatever its number types', () => {
    expect(normalizeSubmittedJob({ job_id: 'job_9', status: 1, message: '', estimated_wait_seconds: '120' })).toEqual({
      jobId: 'job_9',
      status: 'PENDING',
      rawStatus: '1',
      message: null,
      estimatedWaitSeconds: 120,
    });
  });

  it('reads a job’s configuration in the documented shape and in older ones', () => {
    const documented = trainingJobConfigOf({
      training_config: {
        training_type: 'LORA',
        base_model: { model_id: 'm/x', trust_remote_code: 'true' },
        framework: {
          type: 'DEEPSPEED',
          config: { zero_stage: '3' },
          distributed: { world_size: '16', backend: 'nccl' },
        },
        hyperparameters: { learning_rate: 0.0002 },
        environment: { A: 'b' },
        priority: 7,
        max_retries: '3',
      },
      data_config: { sources: [{ path: 's://a', split: 'train' }, 's://b', {}], validation_split: '0.05' },
      resource_config: { gpu_count: 16, node_count: 2 },
      output_config: { output_uri: 's://out/' },
      retry_count: 1,
    });
    expect(documented).toMatchObject({
      trainingType: 'LORA',
      baseModel: { modelId: 'm/x', trustRemoteCode: true, revision: null },
      framework: {
        type: 'DEEPSPEED',
        config: { zero_stage: '3' },
        distributed: { worldSize: 16, backend: 'nccl', strategy: null, config: {} },
        customScriptPath: null,
      },
      hyperparameters: { learning_rate: '0.0002' },
      environment: { A: 'b' },
      priority: 7,
      maxRetries: 3,
      data: {
        sources: [
          { path: 's://a', type: null, split: 'train', format: null },
          { path: 's://b', type: null, split: null, format: null },
        ],
        validationSplit: 0.05,
      },
      resources: { gpuCount: 16, gpuType: null, nodeCount: 2 },
      output: { outputUri: 's://out/', checkpointEverySteps: null, keepCheckpoints: null },
      scheduling: null,
      retryCount: 1,
    });
    const older = trainingJobConfigOf({
      training_config: { framework: 'FSDP', base_model: 'm/y' },
      environment: { B: 'c' },
      priority: '2',
      max_retries: 1,
    });
    expect(older).toMatchObject({
      framework: { type: 'FSDP', config: {}, distributed: null },
      baseModel: { modelId: 'm/y' },
      environment: { B: 'c' },
      priority: 2,
      maxRetries: 1,
    });
    expect(trainingJobConfigOf(null)).toMatchObject({ baseModel: null, framework: null, hyperparameters: {} });
  });
});
