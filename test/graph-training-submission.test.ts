/**
 * `submitTrainingJob` through the front door: the typed body reaching the coordinator, every
 * documented submission error, idempotency (also across two instances sharing Redis), the
 * ambiguous 504 the docs warn about, and permissions.
 */
import { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/app.js';
import { defaultConfig } from '../src/config.js';
import { createCoordinatorClient } from '../src/coordinator/client.js';
import { createEmulator } from '../src/emulator/index.js';
import { GRAPHIQL_EXAMPLES } from '../src/graphiql-examples.js';
import { createRedisIdempotencyStore } from '../src/idempotency-redis.js';
import { createLogger } from '../src/log.js';
import type { SubmitTrainingJobInput } from './generated/graphql.js';
import { graphql } from './generated/index.js';
import { REDIS_URL, redisAvailable, uniquePrefix } from './support/live-stack.js';
import { dataOf, EMULATOR_KEYS, type Stack, useStack, withStack } from './support/stack.js';

const SubmitJob = graphql(`
  mutation SubmitJob($input: SubmitTrainingJobInput!) {
    submitTrainingJob(input: $input) {
      clientMutationId
      trainingJob { jobId name status labels { key value } }
      estimatedWaitSeconds
      userErrors { field message code }
      warnings { field message }
    }
  }
`);

const JobConfiguration = graphql(`
  query JobConfiguration($id: ID!) {
    trainingJob(id: $id) {
      maxRetries
      retryCount
      configuration {
        trainingConfig {
          trainingType
          baseModel { modelId dtype }
          framework { type config { key value } customScriptPath }
          hyperparameters { key value }
          environment { key value }
          maxRetries
          priority
        }
        dataConfig { sources { path split format } maxSeqLength batchSize validationSplit seed }
        resourceConfig { gpuCount gpuType nodeCount }
        outputConfig { outputUri }
        schedulingConfig { preemptible }
      }
    }
  }
`);

const SUBMISSION_LABEL = 'scaimind-gateway-submission';

/** `input()` with these training-config fields changed (and these other fields). */
function withConfig(
  config: Partial<SubmitTrainingJobInput['trainingConfig']>,
  overrides: Partial<SubmitTrainingJobInput> = {},
): SubmitTrainingJobInput {
  const base = input(overrides);
  return { ...base, trainingConfig: { ...base.trainingConfig, ...config } };
}

/** The submitTrainingJob payload for `submitted` (GraphQL errors fail the test). */
const submit = async (on: Stack, submitted: SubmitTrainingJobInput) =>
  dataOf(await on.run(SubmitJob, { input: submitted })).submitTrainingJob;

function input(overrides: Partial<SubmitTrainingJobInput> = {}): SubmitTrainingJobInput {
  return {
    name: 'support-lora-v5',
    trainingConfig: {
      trainingType: 'LORA',
      baseModel: { modelId: 'meta-llama/Llama-3.1-8B', dtype: 'bfloat16' },
      framework: { type: 'HF_TRAINER', config: { gradient_checkpointing: 'true' } },
      hyperparameters: [
        { key: 'learning_rate', value: '2e-4' },
        { key: 'lora_r', value: '16' },
      ],
      environment: [{ key: 'WANDB_MODE', value: 'offline' }],
      maxRetries: 2,
      priority: 7,
    },
    dataConfig: {
      sources: [{ path: 'scaidrive://acme/data/support/train.jsonl', split: 'train', format: 'jsonl' }],
      maxSeqLength: 4096,
      batchSize: 8,
      validationSplit: 0.05,
      seed: 42,
    },
    resourceConfig: { gpuCount: 8, gpuType: 'H100' },
    labels: [{ key: 'team', value: 'support' }],
    ...overrides,
  };
}

interface RestJob {
  job_id: string;
  name: string;
  labels: Record<string, string>;
  training_config: Record<string, unknown>;
  data_config: { sources: Array<{ path: string }> };
  resource_config: Record<string, unknown>;
}

async function restJobs(stack: { emulator: { url: string } }): Promise<RestJob[]> {
  const response = await fetch(`${stack.emulator.url}/jobs?page_size=100`, {
    headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
  });
  return ((await response.json()) as { data: { jobs: RestJob[] } }).data.jobs;
}

describe('submitTrainingJob', () => {
  const stack = useStack();

  beforeEach(() => {
    stack.emulator.reset();
  });

  it('submits the typed body in the coordinator’s shape and returns the job and its estimated wait', async () => {
    const payload = await submit(stack, { ...input(), idempotencyKey: 'first', clientMutationId: 'c-1' });
    expect(payload.userErrors).toEqual([]);
    expect(payload.warnings).toEqual([]);
    expect(payload.clientMutationId).toBe('c-1');
    expect(payload.estimatedWaitSeconds).toBeGreaterThan(0);
    expect(payload.trainingJob).toMatchObject({ name: 'support-lora-v5', status: 'PENDING' });
    expect(payload.trainingJob?.labels).toContainEqual({ key: 'team', value: 'support' });
    expect(stack.calls('POST /jobs')).toBe(1);
    // The sources were validated in one call and the GPU type checked against the inventory.
    expect(stack.calls('POST /data/validate')).toBe(1);
    expect(stack.calls('GET /cluster')).toBe(1);

    const created = (await restJobs(stack)).find((job) => job.job_id === payload.trainingJob?.jobId);
    expect(created?.training_config).toMatchObject({
      training_type: 'LORA',
      base_model: { model_id: 'meta-llama/Llama-3.1-8B' },
      hyperparameters: { learning_rate: '2e-4', lora_r: '16' },
      priority: 7,
    });
    expect(created?.data_config.sources.map((source) => source.path)).toEqual([
      'scaidrive://acme/data/support/train.jsonl',
    ]);
    expect(created?.resource_config).toMatchObject({ gpu_count: 8, gpu_type: 'H100' });
    expect(created?.labels[SUBMISSION_LABEL]).toMatch(/^[\w-]{16,}$/);

    // What was submitted reads back typed, in the input's shape.
    const read = dataOf(await stack.run(JobConfiguration, { id: payload.trainingJob?.jobId ?? '' })).trainingJob;
    expect(read?.retryCount).toBe(0);
    expect(read?.configuration.trainingConfig).toMatchObject({
      trainingType: 'LORA',
      baseModel: { modelId: 'meta-llama/Llama-3.1-8B' },
      framework: { type: 'HF_TRAINER' },
      hyperparameters: [
        { key: 'learning_rate', value: '2e-4' },
        { key: 'lora_r', value: '16' },
      ],
      environment: [{ key: 'WANDB_MODE', value: 'offline' }],
      priority: 7,
    });
    expect(read?.configuration.dataConfig.sources).toEqual([
      { path: 'scaidrive://acme/data/support/train.jsonl', split: null, format: null },
    ]);
    expect(read?.configuration.resourceConfig).toEqual({ gpuCount: 8, gpuType: 'H100', nodeCount: null });
  });

  it('catches each documented submission error before anything is submitted, at its input path', async () => {
    const base = input();
    const training = base.trainingConfig;
    const cases: Array<[string, SubmitTrainingJobInput, string[]]> = [
      [
        'empty sources',
        { ...base, dataConfig: { ...base.dataConfig, sources: [] } },
        ['input', 'dataConfig', 'sources'],
      ],
      [
        'GPU count 0',
        { ...base, resourceConfig: { gpuCount: 0, gpuType: 'H100' } },
        ['input', 'resourceConfig', 'gpuCount'],
      ],
      [
        'GPU type not in the inventory',
        { ...base, resourceConfig: { gpuCount: 8, gpuType: 'TPUv5' } },
        ['input', 'resourceConfig', 'gpuType'],
      ],
      [
        'framework without the training type',
        { ...base, trainingConfig: { ...training, trainingType: 'QLORA', framework: { type: 'MEGATRON' } } },
        ['input', 'trainingConfig', 'framework', 'type'],
      ],
      [
        'CUSTOM without a script',
        { ...base, trainingConfig: { ...training, framework: { type: 'CUSTOM' } } },
        ['input', 'trainingConfig', 'framework', 'customScriptPath'],
      ],
      [
        'non-string map value',
        { ...base, trainingConfig: { ...training, framework: { type: 'DEEPSPEED', config: { zero_stage: 3 } } } },
        ['input', 'trainingConfig', 'framework', 'config', 'zero_stage'],
      ],
      [
        'unreadable data source',
        {
          ...base,
          dataConfig: {
            ...base.dataConfig,
            sources: [{ path: 'scaidrive://acme/data/ok.jsonl' }, { path: 'scaidrive://acme/missing/x.jsonl' }],
          },
        },
        ['input', 'dataConfig', 'sources', '1', 'path'],
      ],
      [
        'priority out of range',
        { ...base, trainingConfig: { ...training, priority: 11 } },
        ['input', 'trainingConfig', 'priority'],
      ],
      [
        'validation split out of range',
        { ...base, dataConfig: { ...base.dataConfig, validationSplit: 1.5 } },
        ['input', 'dataConfig', 'validationSplit'],
      ],
      ['blank name', { ...base, name: '  ' }, ['input', 'name']],
    ];
    for (const [what, submitted, field] of cases) {
      const payload = await submit(stack, submitted);
      expect(payload.trainingJob, what).toBeNull();
      expect(payload.userErrors, what).toEqual([expect.objectContaining({ field, code: 'BAD_USER_INPUT' })]);
      expect(payload.userErrors[0]?.message.length, what).toBeGreaterThan(15);
    }
    expect(stack.calls('POST /jobs')).toBe(0);
  });

  it('turns what only the coordinator knows (unknown hyperparameter, unresolvable model) into userErrors', async () => {
    const unknownKey = await submit(stack, withConfig({ hyperparameters: [{ key: 'lerning_rate', value: '1e-4' }] }));
    expect(unknownKey.userErrors).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', message: expect.stringContaining('lerning_rate') }),
    ]);
    expect(unknownKey.userErrors[0]?.field?.slice(0, 3)).toEqual(['input', 'trainingConfig', 'hyperparameters']);
    const model = await submit(stack, withConfig({ baseModel: { modelId: 'missing/ghost-7b' } }));
    expect(model.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'trainingConfig', 'baseModel', 'modelId'], code: 'BAD_USER_INPUT' }),
    ]);
    expect(stack.calls('POST /jobs')).toBe(2);
    expect((await restJobs(stack)).some((job) => job.name === 'support-lora-v5')).toBe(false);
  });

  it('warns about what is accepted but probably unintended', async () => {
    const payload = await submit(
      stack,
      withConfig(
        { maxRetries: 0, framework: { type: 'HF_TRAINER', customScriptPath: 'x.py' } },
        { schedulingConfig: { preemptible: true } },
      ),
    );
    expect(payload.userErrors).toEqual([]);
    expect(payload.warnings.map((warning) => warning.field)).toEqual([
      ['input', 'trainingConfig', 'framework', 'customScriptPath'],
      ['input', 'trainingConfig', 'maxRetries'],
      ['input', 'idempotencyKey'],
    ]);
  });

  it('is idempotent under a key: same input → same job, one POST; other input → IDEMPOTENCY_KEY_REUSED', async () => {
    const keyed = { ...input(), idempotencyKey: 'nightly-2026-11-27' };
    const [a, b] = await Promise.all([stack.run(SubmitJob, { input: keyed }), stack.run(SubmitJob, { input: keyed })]);
    const c = await stack.run(SubmitJob, { input: keyed });
    const ids = [a, b, c].map((response) => dataOf(response).submitTrainingJob.trainingJob?.jobId);
    expect(ids[0]).toMatch(/^job_/);
    expect(new Set(ids).size).toBe(1);
    expect(stack.calls('POST /jobs')).toBe(1);
    const other = await submit(stack, { ...keyed, name: 'other-name' });
    expect(other.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }),
    ]);
    expect(stack.calls('POST /jobs')).toBe(1);
  });

  it('finds the job after an ambiguous 504 that created it, and answers with it instead of an error', async () => {
    stack.emulator.setFaults([{ route: 'POST /jobs', kind: 'status', status: 504, afterHandling: true, count: 1 }]);
    const payload = await submit(stack, input());
    expect(payload.userErrors).toEqual([]);
    expect(payload.trainingJob?.jobId).toMatch(/^job_/);
    expect(payload.warnings.map((warning) => warning.message).join(' ')).toMatch(/did not confirm/);
    expect(stack.calls('POST /jobs')).toBe(1);
    expect((await restJobs(stack)).filter((job) => job.name === 'support-lora-v5')).toHaveLength(1);
  });

  it('finds the job after the connection dropped once the request was sent', async () => {
    stack.emulator.setFaults([{ route: 'POST /jobs', kind: 'reset', afterHandling: true, count: 1 }]);
    const payload = await submit(stack, { ...input(), idempotencyKey: 'reset-1' });
    expect(payload.trainingJob?.jobId).toMatch(/^job_/);
    expect(stack.calls('POST /jobs')).toBe(1);
    expect((await restJobs(stack)).filter((job) => job.name === 'support-lora-v5')).toHaveLength(1);
  });

  it('reports a 504 that created nothing, and a retry under the same key submits exactly once more', async () => {
    stack.emulator.setFaults([{ route: 'POST /jobs', kind: 'status', status: 504, count: 1 }]);
    const keyed = { ...input(), idempotencyKey: 'lost-1' };
    const failed = await stack.run(SubmitJob, { input: keyed });
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(failed.body.errors?.[0]?.message).toMatch(/same idempotencyKey/);
    expect(stack.calls('POST /jobs')).toBe(1);

    const retried = await submit(stack, keyed);
    expect(retried.trainingJob?.jobId).toMatch(/^job_/);
    const again = await submit(stack, keyed);
    expect(again.trainingJob?.jobId).toBe(retried.trainingJob?.jobId);
    expect(stack.calls('POST /jobs')).toBe(2);
    expect((await restJobs(stack)).filter((job) => job.name === 'support-lora-v5')).toHaveLength(1);
  });

  it('never submits twice when the lookup after a timed-out submit fails too: the keyed retry finds the job', async () => {
    await withStack({ config: { coordinatorTimeoutMs: 1500 }, client: { retry: { maxAttempts: 1 } } }, async (slow) => {
      // The job is created, then the coordinator never answers: the gateway's own timeout fires.
      slow.emulator.setFaults([{ route: 'POST /jobs', kind: 'hang', afterHandling: true, count: 1 }]);
      const keyed = { ...input(), idempotencyKey: 'late-1' };
      const pending = slow.run(SubmitJob, { input: keyed });
      // Once the POST is in, the job list becomes unreadable, so the lookup cannot see the job.
      while (slow.calls('POST /jobs') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      slow.emulator.setFaults([{ route: 'GET /jobs', kind: 'status', status: 503 }]);
      const failed = await pending;
      expect(failed.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      slow.emulator.clearFaults();

      const retried = await submit(slow, keyed);
      expect(retried.trainingJob?.jobId).toMatch(/^job_/);
      expect(slow.calls('POST /jobs')).toBe(1);
      expect((await restJobs(slow)).filter((job) => job.name === 'support-lora-v5')).toHaveLength(1);
    });
  });

  it('runs the GraphiQL example as it stands', async () => {
    const response = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: GRAPHIQL_EXAMPLES, operationName: 'SubmitTrainingJob' }),
    });
    const body = (await response.json()) as {
      data: { submitTrainingJob: { trainingJob: { status: string } | null; userErrors: unknown[] } };
    };
    expect(body.data.submitTrainingJob.userErrors).toEqual([]);
    expect(body.data.submitTrainingJob.trainingJob?.status).toBe('PENDING');
    const cluster = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: GRAPHIQL_EXAMPLES, operationName: 'ClusterAndQueue' }),
    });
    expect(((await cluster.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it('refuses callers without scaimind:manage with FORBIDDEN and creates nothing', async () => {
    for (const token of [EMULATOR_KEYS.viewer, EMULATOR_KEYS.evaluator]) {
      const response = await stack.run(SubmitJob, { input: input() }, { token });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(response.body.data?.submitTrainingJob ?? null).toBeNull();
    }
    expect((await restJobs(stack)).some((job) => job.name === 'support-lora-v5')).toBe(false);
  });
});

describe('submitTrainingJob across two gateway instances (Redis)', async () => {
  const available = await redisAvailable();

  it.skipIf(!available)('posts once when two instances get the same keyed submit concurrently', async () => {
    const emulator = await createEmulator({ speed: 0 });
    const prefix = uniquePrefix();
    const instances = [0, 1].map(() => {
      const redis = new Redis(REDIS_URL);
      const client = createCoordinatorClient({ baseUrl: emulator.url, retry: { maxAttempts: 1 } });
      const gateway = createGateway(defaultConfig({ coordinatorUrl: emulator.url }), {
        client,
        log: createLogger('error', () => {}),
        defaultCredential: `Bearer ${EMULATOR_KEYS.dev}`,
        idempotency: createRedisIdempotencyStore(redis, { prefix: `${prefix}idem:`, pollMs: 5 }),
      });
      return { redis, client, gateway };
    });
    try {
      // The coordinator is slow to answer, so the second instance arrives while the first is in flight.
      emulator.setFaults([{ route: 'POST /jobs', kind: 'latency', latencyMs: 150 }]);
      const keyed = { ...input(), idempotencyKey: 'two-instances' };
      const results = await Promise.all(
        instances.map(async ({ gateway }) => {
          const response = await gateway.fetch('http://gateway.test/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              query:
                'mutation($input: SubmitTrainingJobInput!) { submitTrainingJob(input: $input) { trainingJob { jobId } userErrors { code } } }',
              variables: { input: keyed },
            }),
          });
          return (await response.json()) as { data: { submitTrainingJob: { trainingJob: { jobId: string } } } };
        }),
      );
      const ids = results.map((result) => result.data.submitTrainingJob.trainingJob.jobId);
      expect(ids[0]).toMatch(/^job_/);
      expect(ids[1]).toBe(ids[0]);
      expect(emulator.stats().requests['POST /jobs']).toBe(1);
    } finally {
      for (const { redis, client } of instances) {
        await client.close();
        await redis.quit();
      }
      await emulator.close();
    }
  });
});
