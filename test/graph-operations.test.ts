/**
 * The operator and data surface through the front door: cluster, nodes, drain / enable, the
 * shared queue, data validation and cache, and what the caller has left of the rate limit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRateLimitBook } from '../src/rate-limits.js';
import { graphql } from './generated/index.js';
import { dataOf, EMULATOR_KEYS, useStack, withStack } from './support/stack.js';

const Cluster = graphql(`
  query Cluster {
    cluster {
      status
      nodesTotal
      nodesReady
      gpusTotal
      gpusInUse
      utilization
      queueDepth
      gpuTypes { gpuType total inUse available }
      nodes { id nodeId status gpuType gpuCount gpusInUse gpusFree runningJobIds runningJobs { jobId status } }
    }
  }
`);

const Drain = graphql(`
  mutation Drain($input: DrainNodeInput!) {
    drainNode(input: $input) {
      node { id nodeId status gpusFree }
      userErrors { field message code }
    }
  }
`);

const Enable = graphql(`
  mutation Enable($input: EnableNodeInput!) {
    enableNode(input: $input) {
      node { nodeId status }
      userErrors { field message code }
    }
  }
`);

const NodeById = graphql(`
  query NodeById($id: ID!) {
    node(id: $id) { id ... on ClusterNode { nodeId status } }
  }
`);

const Queue = graphql(`
  query QueueEntries($first: Int) {
    queue {
      depth
      byStatus { status count }
      entries(first: $first) {
        position
        type
        workloadId
        priority
        enqueuedAt
        workload {
          __typename
          ... on TrainingJob { jobId status }
          ... on Evaluation { evaluationId status }
        }
      }
    }
  }
`);

const Validate = graphql(`
  query ValidateData($uris: [String!]!) {
    validateDataSources(uris: $uris) { uri ok message }
  }
`);

const Cache = graphql(`
  query DataCache {
    dataCache { uri sizeBytes cachedAt }
  }
`);

const RateLimit = graphql(`
  query RateLimit {
    viewer { rateLimit { limit remaining resetAt observedAt } }
  }
`);

const QueueDepth = graphql(`
  query QueueDepth {
    queue { depth }
  }
`);

const SubmitCustom = graphql(`
  mutation SubmitCustom($input: SubmitEvaluationInput!) {
    submitEvaluation(input: $input) {
      evaluation { evaluationId }
      userErrors { field message code }
    }
  }
`);

describe('cluster, nodes, queue, data and rate limits', () => {
  const stack = useStack({ emulator: { rateLimitPerMinute: 1000 } });

  beforeEach(() => {
    stack.emulator.reset();
  });

  it('shows the cluster with GPUs by type and its nodes, with the caller’s running jobs linked', async () => {
    const { cluster } = dataOf(await stack.run(Cluster));
    if (!cluster?.nodes) throw new Error('no cluster');
    expect(cluster.status).toBe('DEGRADED');
    expect(cluster.nodesTotal).toBe(cluster.nodes.length);
    expect(cluster.nodesReady).toBe(cluster.nodes.filter((node) => node.status === 'READY').length);
    expect(cluster.gpusTotal).toBe(cluster.gpuTypes.reduce((sum, type) => sum + (type.total ?? 0), 0));
    expect(cluster.gpusInUse).toBe(cluster.nodes.reduce((sum, node) => sum + (node.gpusInUse ?? 0), 0));
    expect(cluster.gpusInUse).toBeGreaterThan(0);
    expect(cluster.utilization).toBeCloseTo((cluster.gpusInUse ?? 0) / (cluster.gpusTotal ?? 1));
    expect(cluster.gpuTypes.map((type) => type.gpuType).sort()).toEqual(['A100', 'H100', 'L40S']);
    for (const type of cluster.gpuTypes) expect(type.available).toBe((type.total ?? 0) - (type.inUse ?? 0));
    expect(cluster.nodes.some((node) => node.status === 'DOWN')).toBe(true);
    const busy = cluster.nodes.find((node) => node.runningJobIds.length > 0);
    expect(busy?.runningJobs?.map((job) => job.jobId)).toEqual(busy?.runningJobIds);
    for (const job of busy?.runningJobs ?? [])
      expect(['PREPARING', 'TRAINING', 'CHECKPOINTING', 'EVALUATING', 'EXPORTING']).toContain(job.status);
    // Totals and inventory: one call each; the running jobs are batched, one GET per distinct job.
    expect(stack.calls('GET /cluster')).toBe(1);
    expect(stack.calls('GET /nodes')).toBe(1);
  });

  it('drains a node for a cluster admin (draining twice is harmless) and enables it again', async () => {
    const first = dataOf(await stack.run(Drain, { input: { nodeId: 'node-h100-01', reason: 'firmware update' } }));
    expect(first.drainNode.userErrors).toEqual([]);
    expect(first.drainNode.node).toMatchObject({ nodeId: 'node-h100-01', status: 'DRAINING', gpusFree: 0 });
    const again = dataOf(await stack.run(Drain, { input: { nodeId: first.drainNode.node?.id ?? '' } }));
    expect(again.drainNode.node?.status).toBe('DRAINING');

    const byId = dataOf(await stack.run(NodeById, { id: first.drainNode.node?.id ?? '' }));
    expect(byId.node).toMatchObject({ nodeId: 'node-h100-01', status: 'DRAINING' });

    const enabled = dataOf(await stack.run(Enable, { input: { nodeId: 'node-h100-01' } }));
    expect(enabled.enableNode).toEqual({ node: { nodeId: 'node-h100-01', status: 'READY' }, userErrors: [] });
  });

  it('reports a drained node once its jobs are gone, and an idle node as DRAINED at once', async () => {
    const { cluster } = dataOf(await stack.run(Cluster));
    const idle = cluster?.nodes?.find((node) => node.status === 'READY' && node.gpusInUse === 0);
    if (!idle) throw new Error('seed has no idle node');
    const drained = dataOf(await stack.run(Drain, { input: { nodeId: idle.nodeId } }));
    expect(drained.drainNode.node?.status).toBe('DRAINED');
  });

  it('answers an unknown node and a DOWN node with userErrors', async () => {
    const unknown = dataOf(await stack.run(Drain, { input: { nodeId: 'node-nope-99' } }));
    expect(unknown.drainNode).toEqual({
      node: null,
      userErrors: [expect.objectContaining({ field: ['input', 'nodeId'], code: 'NOT_FOUND' })],
    });
    const down = dataOf(await stack.run(Enable, { input: { nodeId: 'node-l40s-02' } }));
    expect(down.enableNode.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  });

  it('refuses drain and enable without scaimind:cluster_admin: FORBIDDEN, and the node is untouched', async () => {
    for (const token of [EMULATOR_KEYS.viewer, EMULATOR_KEYS.evaluator]) {
      const response = await stack.run(Drain, { input: { nodeId: 'node-h100-02' } }, { token });
      expect(response.body.data?.drainNode ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const enable = await stack.run(Enable, { input: { nodeId: 'node-h100-02' } }, { token: EMULATOR_KEYS.viewer });
    expect(enable.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { cluster } = dataOf(await stack.run(Cluster, {}, { token: EMULATOR_KEYS.viewer }));
    expect(cluster?.nodes?.find((node) => node.nodeId === 'node-h100-02')?.status).toBe('READY');
  });

  it('lists the shared queue, training jobs and evaluations in order, each linked to its node', async () => {
    const { queue } = dataOf(await stack.run(Queue, {}));
    if (!queue) throw new Error('no queue');
    expect(queue.depth).toBe(queue.entries.length);
    const total = queue.byStatus.reduce((sum, entry) => sum + entry.count, 0);
    expect(total).toBe(queue.depth);
    const queued = queue.entries.filter((entry) => (entry.position ?? 0) > 0);
    expect(queued.map((entry) => entry.position)).toEqual(queued.map((_, i) => i + 1));
    expect(new Set(queue.entries.map((entry) => entry.type))).toEqual(new Set(['TRAINING', 'EVALUATION']));
    for (const entry of queue.entries) {
      const workload = entry.workload;
      if (!workload) throw new Error(`entry ${entry.workloadId} has no workload`);
      if (entry.type === 'EVALUATION') {
        expect(workload).toMatchObject({ __typename: 'Evaluation', evaluationId: entry.workloadId, status: 'QUEUED' });
      } else {
        expect(workload.__typename).toBe('TrainingJob');
        expect(workload).toMatchObject({ jobId: entry.workloadId });
      }
    }
    const limited = dataOf(await stack.run(Queue, { first: 2 }));
    expect(limited.queue?.entries.map((entry) => entry.workloadId)).toEqual(
      queue.entries.slice(0, 2).map((entry) => entry.workloadId),
    );
    const tooMany = await stack.run(Queue, { first: 101 });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('validates many data sources in one coordinator call, answering in the order asked', async () => {
    stack.emulator.resetStats();
    const uris = [
      'scaidrive://acme/data/helpdesk/train.jsonl',
      'scaidrive://acme/missing/nothing.jsonl',
      'scaidrive://globex/data/theirs.jsonl',
      'scaidrive://acme/data/helpdesk/train.jsonl',
    ];
    const { validateDataSources } = dataOf(await stack.run(Validate, { uris }));
    expect(validateDataSources.map((result) => [result.uri, result.ok])).toEqual([
      [uris[0], true],
      [uris[1], false],
      [uris[2], false],
      [uris[3], true],
    ]);
    expect(validateDataSources[1]?.message).toMatch(/not found/);
    expect(stack.calls('POST /data/validate')).toBe(1);

    const none = dataOf(await stack.run(Validate, { uris: [] }));
    expect(none.validateDataSources).toEqual([]);
    expect(stack.calls('POST /data/validate')).toBe(1);
    const flood = await stack.run(Validate, { uris: Array.from({ length: 101 }, (_, i) => `scaidrive://acme/${i}`) });
    expect(flood.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.calls('POST /data/validate')).toBe(1);
  });

  it('needs scaimind:manage to validate data or read the cache', async () => {
    const validate = await stack.run(Validate, { uris: ['scaidrive://acme/a.jsonl'] }, { token: EMULATOR_KEYS.viewer });
    expect(validate.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cache = await stack.run(Cache, {}, { token: EMULATOR_KEYS.viewer });
    expect(cache.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(cache.body.data?.dataCache).toBeNull();
  });

  it('lists the datasets cached for the tenant', async () => {
    const { dataCache } = dataOf(await stack.run(Cache));
    expect(dataCache?.length).toBeGreaterThan(0);
    for (const entry of dataCache ?? []) {
      expect(entry.uri).toMatch(/^scaidrive:\/\/acme\//);
      expect(Date.parse(entry.cachedAt ?? '')).not.toBeNaN();
    }
    // Sizes beyond GraphQL's 32-bit Int come through exactly.
    expect(dataCache?.some((entry) => (entry.sizeBytes ?? 0) > 2 ** 31)).toBe(true);
    const other = dataOf(await stack.run(Cache, {}, { token: EMULATOR_KEYS.otherTenant }));
    for (const entry of other.dataCache ?? []) expect(entry.uri).not.toMatch(/acme/);
  });

  it('shows what the caller has left of the rate limit, per credential, from the latest reply', async () => {
    // A gateway of its own: the book lives as long as the gateway, across the other tests' calls.
    await withStack({ emulator: { rateLimitPerMinute: 1000 } }, async (fresh) => {
      const before = dataOf(await fresh.run(RateLimit, {}, { token: EMULATOR_KEYS.evaluator }));
      expect(before.viewer.rateLimit).toBeNull();
      dataOf(await fresh.run(QueueDepth, {}, { token: EMULATOR_KEYS.evaluator }));
      dataOf(await fresh.run(QueueDepth, {}, { token: EMULATOR_KEYS.evaluator }));
      const after = dataOf(await fresh.run(RateLimit, {}, { token: EMULATOR_KEYS.evaluator })).viewer.rateLimit;
      expect(after).toMatchObject({ limit: 1000, remaining: 998 });
      expect(Date.parse(after?.resetAt ?? '')).toBeGreaterThan(Date.parse(after?.observedAt ?? ''));
      // Another credential has its own budget, and has not been seen yet.
      const other = dataOf(await fresh.run(RateLimit, {}, { token: EMULATOR_KEYS.otherTenant }));
      expect(other.viewer.rateLimit).toBeNull();
    });
  });

  it('prechecks custom benchmark datasets with one validation call before submitting an evaluation', async () => {
    const jobs = await fetch(`${stack.emulator.url}/jobs?page_size=100&status=COMPLETED`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    const jobId = ((await jobs.json()) as { data: { jobs: Array<{ job_id: string }> } }).data.jobs[0]?.job_id ?? '';
    stack.emulator.resetStats();
    const benchmarks = [
      { name: 'mmlu' },
      { name: 'custom-a', dataset: 'scaidrive://acme/eval/a.jsonl' },
      { name: 'custom-b', dataset: 'scaidrive://acme/missing/b.jsonl' },
    ];
    const refused = dataOf(await stack.run(SubmitCustom, { input: { jobId, benchmarks } })).submitEvaluation;
    expect(refused.evaluation).toBeNull();
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'benchmarks', '2', 'dataset'], code: 'BAD_USER_INPUT' }),
    ]);
    expect(stack.calls('POST /data/validate')).toBe(1);
    expect(stack.calls('POST /evaluations')).toBe(0);

    // An evaluator may not validate data (no scaimind:manage): the coordinator's own check decides.
    const evaluator = dataOf(
      await stack.run(
        SubmitCustom,
        { input: { jobId, benchmarks: benchmarks.slice(0, 2) } },
        { token: EMULATOR_KEYS.evaluator },
      ),
    ).submitEvaluation;
    expect(evaluator.userErrors).toEqual([]);
    expect(evaluator.evaluation?.evaluationId).toMatch(/^eval_/);
  });
});

describe('the rate-limit book', () => {
  it('keeps at most its bound of credentials, forgetting the least recently updated', () => {
    let now = Date.parse('2026-11-27T10:00:00Z');
    const book = createRateLimitBook(2, () => now);
    book.record('a', { limit: 60, remaining: 59, resetSeconds: 60 });
    book.record('b', { limit: 60, remaining: 10, resetSeconds: 30 });
    now += 1000;
    book.record('a', { limit: 60, remaining: 58, resetSeconds: 59 });
    book.record('c', { limit: 60, remaining: 1, resetSeconds: 5 });
    expect(book.latest('b')).toBeNull();
    expect(book.latest('a')).toEqual({
      limit: 60,
      remaining: 58,
      resetAt: '2026-11-27T10:01:00.000Z',
      observedAt: '2026-11-27T10:00:01.000Z',
    });
    expect(book.latest('c')?.remaining).toBe(1);
  });
});
