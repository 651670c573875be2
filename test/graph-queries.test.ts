import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { dataOf, EMULATOR_KEYS, type Stack, useStack } from './support/stack.js';

const Nested = graphql(`
  query NestedJobs {
    trainingJobs(first: 20) {
      edges {
        node {
          name
          evaluations(first: 5) {
            edges { node { status job { name } benchmarks { name score } } }
          }
        }
      }
    }
  }
`);

const NestedLabels = graphql(`
  query NestedLabels {
    trainingJobs(first: 20) {
      edges { node { name evaluations(first: 5) { edges { node { labels { key value } } } } } }
    }
  }
`);

const JobById = graphql(`
  query JobById($id: ID!) {
    trainingJob(id: $id) {
      id jobId name status rawStatus phase isTerminal
      progress { currentStep totalSteps epoch fraction }
      labels { key value }
      trainingType
      baseModel
      createdAt
      checkpoints { id checkpointId step uri job { jobId } }
    }
  }
`);

const NodeLookup = graphql(`
  query NodeLookup($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on TrainingJob { jobId name }
      ... on Evaluation { evaluationId job { jobId } }
      ... on Checkpoint { checkpointId job { jobId } }
    }
  }
`);

const EvaluationDetail = graphql(`
  query EvaluationDetail($id: ID!) {
    evaluation(id: $id) {
      id evaluationId status phase isTerminal modelUri
      checkpoint { checkpointId step }
      job { jobId name status }
      benchmarks { name isCustom dataset numSamples parameters { key value } status score metrics { name value } }
      mmlu: score(benchmark: "mmlu")
    }
  }
`);

const TwoRoots = graphql(`
  query TwoRoots($missing: ID!) {
    missing: trainingJob(id: $missing) { name }
    queue { depth byStatus { status count } }
  }
`);

interface RestJob {
  job_id: string;
  name: string;
  status: string;
  checkpoints?: Array<{ checkpoint_id: string }>;
}

async function rest<T>(stack: Stack, path: string, key = EMULATOR_KEYS.dev): Promise<T> {
  const response = await fetch(`${stack.emulator.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await response.json()) as { data: T };
  return body.data;
}

describe('the graph', () => {
  const stack = useStack();
  let jobs: RestJob[];

  beforeAll(async () => {
    jobs = (await rest<{ jobs: RestJob[] }>(stack, '/jobs?page_size=100')).jobs;
  });
  beforeEach(() => stack.emulator.resetStats());

  it('answers the nested job → evaluation → benchmark query with exactly 21 upstream calls', async () => {
    const data = dataOf(await stack.run(Nested));
    const edges = data.trainingJobs?.edges ?? [];
    expect(edges).toHaveLength(20);
    const evaluations = edges.flatMap((edge) => edge.node.evaluations?.edges ?? []);
    expect(evaluations.length).toBeGreaterThan(0);
    for (const edge of edges) {
      for (const evaluation of edge.node.evaluations?.edges ?? []) {
        expect(evaluation.node.job?.name).toBe(edge.node.name);
      }
    }
    expect(stack.emulator.stats().requests).toEqual({ 'GET /jobs': 1, 'GET /evaluations': 20 });
  });

  it('reads the job behind an evaluation’s labels from the listing it came with, at no call of its own', async () => {
    // Fields typed TrainingJob (the plugin's loader) and resolvers that call
    // TrainingJobRef.getDataloader share one loader per request: the listing primes it for both.
    const data = dataOf(await stack.run(NestedLabels));
    const labelled = (data.trainingJobs?.edges ?? []).flatMap((edge) => edge.node.evaluations?.edges ?? []);
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.every((edge) => (edge.node.labels?.length ?? 0) > 0)).toBe(true);
    expect(stack.emulator.stats().requests).toEqual({ 'GET /jobs': 1, 'GET /evaluations': 20 });
  });

  it('issues the 20 evaluation lists of the nested query concurrently, not one after another', async () => {
    // The lists hang upstream: had the gateway issued them one at a time, the second would never
    // start. No clock involved: wait until all 20 are in flight at once, then let the client go.
    stack.emulator.setFaults([{ route: 'GET /evaluations', kind: 'hang' }]);
    const client = new AbortController();
    const pending = stack.run(Nested, {}, { signal: client.signal }).catch(() => null);
    try {
      const deadline = Date.now() + 30_000;
      while ((stack.emulator.stats().requests['GET /evaluations'] ?? 0) < 20 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(stack.emulator.stats().max_in_flight['GET /evaluations']).toBe(20);
    } finally {
      client.abort();
      stack.emulator.clearFaults();
      await pending;
    }
  });

  it('finds a job by raw coordinator id and by global id, with the same answer', async () => {
    const withCheckpoints = jobs.find((job) => (job.checkpoints?.length ?? 0) > 0);
    if (!withCheckpoints) throw new Error('seed has no job with checkpoints');
    const byRaw = dataOf(await stack.run(JobById, { id: withCheckpoints.job_id })).trainingJob;
    expect(byRaw?.jobId).toBe(withCheckpoints.job_id);
    expect(byRaw?.name).toBe(withCheckpoints.name);
    expect(byRaw?.rawStatus).toBe(withCheckpoints.status);
    expect(byRaw?.checkpoints.length).toBe(withCheckpoints.checkpoints?.length);
    expect(byRaw?.checkpoints[0]?.job?.jobId).toBe(withCheckpoints.job_id);
    const byGlobal = dataOf(await stack.run(JobById, { id: byRaw?.id ?? '' })).trainingJob;
    expect(byGlobal).toEqual(byRaw);
    // The checkpoint's job is the job already loaded: two lookups, two upstream calls in all.
    expect(stack.calls('GET /jobs/{job_id}')).toBe(2);
  });

  it('derives phase and isTerminal from the status', async () => {
    const completed = jobs.find((job) => job.status === 'COMPLETED');
    const queued = jobs.find((job) => job.status === 'QUEUED');
    const training = jobs.find((job) => job.status === 'TRAINING');
    const cases: Array<[RestJob | undefined, string, boolean]> = [
      [completed, 'SUCCEEDED', true],
      [queued, 'QUEUED', false],
      [training, 'RUNNING', false],
    ];
    for (const [job, phase, terminal] of cases) {
      if (!job) throw new Error('seed lacks a status');
      const found = dataOf(await stack.run(JobById, { id: job.job_id })).trainingJob;
      expect(found?.phase).toBe(phase);
      expect(found?.isTerminal).toBe(terminal);
    }
  });

  it('loads nodes of every type by global id, batched and deduplicated', async () => {
    const first = dataOf(await stack.run(JobById, { id: jobs[0]?.job_id ?? '' })).trainingJob;
    const evaluations = await rest<{ jobs: Array<{ job_id: string }> }>(stack, '/evaluations?page_size=100');
    const scored = evaluations.jobs[0];
    if (!first || !scored) throw new Error('seed too small');
    const evaluationId = Buffer.from(`Evaluation:${scored.job_id}`).toString('base64');
    stack.emulator.resetStats();
    const data = dataOf(await stack.run(NodeLookup, { ids: [first.id, evaluationId, first.id] }));
    expect(data.nodes.map((node) => node?.__typename)).toEqual(['TrainingJob', 'Evaluation', 'TrainingJob']);
    expect(data.nodes[0]).toEqual(data.nodes[2]);
    // The duplicate id costs nothing; the evaluation's job is loaded in the same batch when it is the same job.
    expect(stack.calls('GET /evaluations/{evaluation_id}')).toBe(1);
    expect(stack.calls('GET /jobs/{job_id}')).toBeLessThanOrEqual(2);
  });

  it('merges evaluation specs and results by benchmark name, with checkpoint and score lookup', async () => {
    const { jobs: evaluations } = await rest<{
      jobs: Array<{ job_id: string; status: string; checkpoint_id?: string }>;
    }>(stack, '/evaluations?page_size=100');
    const completed = evaluations.find((e) => e.status === 'COMPLETED' && !e.checkpoint_id);
    const atCheckpoint = evaluations.find((e) => e.checkpoint_id);
    if (!completed || !atCheckpoint) throw new Error('seed lacks a completed or checkpoint evaluation');

    const done = dataOf(await stack.run(EvaluationDetail, { id: completed.job_id })).evaluation;
    expect(done?.isTerminal).toBe(true);
    expect(done?.benchmarks.length).toBeGreaterThan(0);
    for (const benchmark of done?.benchmarks ?? []) {
      expect(benchmark.status).toBe('COMPLETED');
      expect(benchmark.score).toBeGreaterThanOrEqual(0);
      expect(benchmark.score).toBeLessThanOrEqual(1);
      expect(benchmark.isCustom).toBe(benchmark.name.startsWith('custom-'));
    }
    const mmlu = done?.benchmarks.find((b) => b.name === 'mmlu');
    expect(done?.mmlu).toBe(mmlu ? mmlu.score : null);
    expect(done?.checkpoint).toBeNull();

    const scored = dataOf(await stack.run(EvaluationDetail, { id: atCheckpoint.job_id })).evaluation;
    expect(scored?.checkpoint?.checkpointId).toBe(atCheckpoint.checkpoint_id);
  });

  it('resolves an unknown id to null with NOT_FOUND on its path while the rest of the query resolves', async () => {
    const response = await stack.run(TwoRoots, { missing: 'job_00000000' });
    expect(response.status).toBe(200);
    expect(response.body.data?.missing).toBeNull();
    expect(response.body.data?.queue?.depth).toBeGreaterThanOrEqual(0);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.path).toEqual(['missing']);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects a global id of the wrong type with BAD_USER_INPUT and makes no upstream call', async () => {
    const evaluationGlobalId = Buffer.from('Evaluation:eval_1234').toString('base64');
    const response = await stack.run(JobById, { id: evaluationGlobalId });
    expect(response.body.data?.trainingJob).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/TrainingJob/);
    expect(stack.calls()).toBe(0);
  });

  it('keeps tenants apart: another tenant’s job is NOT_FOUND, by id and by node', async () => {
    const job = jobs[0];
    if (!job) throw new Error('seed empty');
    const other = await stack.run(JobById, { id: job.job_id }, { token: EMULATOR_KEYS.otherTenant });
    expect(other.body.data?.trainingJob).toBeNull();
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const globalId = Buffer.from(`TrainingJob:${job.job_id}`).toString('base64');
    const viaNode = await stack.run(NodeLookup, { ids: [globalId] }, { token: EMULATOR_KEYS.otherTenant });
    expect(viaNode.body.data?.nodes).toEqual([null]);
    expect(viaNode.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
