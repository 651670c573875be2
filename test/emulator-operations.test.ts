/**
 * The emulator's job submission rules, its ambiguous-failure faults, and its operator surface
 * (cluster, nodes, drain / enable, data cache), called over HTTP exactly as the contract says.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { call, walk } from './support/emulator-http.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ speed: 0 });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const valid = {
  name: 'rules-sft-v1',
  training_config: {
    training_type: 'SFT',
    base_model: { model_id: 'meta-llama/Llama-3.1-8B' },
    framework: { type: 'DEEPSPEED' },
    hyperparameters: { learning_rate: '1e-5' },
  },
  data_config: { sources: [{ path: 'scaidrive://acme/data/x.jsonl' }] },
  resource_config: { gpu_count: 8, gpu_type: 'A100' },
};

describe('POST /jobs rules', () => {
  it('accepts a valid body with 201', async () => {
    const reply = await call(emulator, 'POST', '/jobs', { body: valid });
    expect(reply.status).toBe(201);
    expect(reply.body.data.job_id).toMatch(/^job_/);
  });

  it('answers each documented coordinator rule with 400 INVALID_ARGUMENT naming the field', async () => {
    const training = valid.training_config;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...valid, data_config: { sources: [] } }, 'data_config.sources'],
      [{ ...valid, resource_config: { gpu_count: 0 } }, 'resource_config.gpu_count'],
      [{ ...valid, resource_config: { gpu_count: 8, gpu_type: 'V100' } }, 'resource_config.gpu_type'],
      [{ ...valid, training_config: { ...training, training_type: 'QLORA' } }, 'training_config.framework.type'],
      [
        { ...valid, training_config: { ...training, base_model: { model_id: '' } } },
        'training_config.base_model.model_id',
      ],
      [
        { ...valid, training_config: { ...training, base_model: { model_id: 'no-org-model' } } },
        'training_config.base_model.model_id',
      ],
      [
        { ...valid, training_config: { ...training, hyperparameters: { lr: '1e-5' } } },
        'training_config.hyperparameters.lr',
      ],
    ];
    for (const [body, field] of cases) {
      const reply = await call(emulator, 'POST', '/jobs', { body });
      expect(reply.status, field).toBe(400);
      expect(reply.body.error.code, field).toBe('INVALID_ARGUMENT');
      expect(reply.body.error.message, field).toContain(field);
    }
    expect((await walk(emulator, '/jobs', { page_size: 100 })).items).toHaveLength(36);
  });

  it('answers a body that breaks the schema with 422, before the coordinator rules', async () => {
    const reply = await call(emulator, 'POST', '/jobs', {
      body: { ...valid, name: undefined, data_config: { sources: [] }, labels: { team: 1 } },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['labels.team', 'name']);
  });

  it('can create the job and still answer 504 (or drop the connection): the docs’ ambiguous failure', async () => {
    emulator.setFaults([{ route: 'POST /jobs', kind: 'status', status: 504, afterHandling: true, count: 1 }]);
    const reply = await call(emulator, 'POST', '/jobs', { body: valid });
    expect(reply.status).toBe(504);
    expect(reply.body.error.code).toBe('DEADLINE_EXCEEDED');
    const { items } = await walk(emulator, '/jobs', { page_size: 100 });
    expect(items.filter((job) => job.name === 'rules-sft-v1')).toHaveLength(1);
    // Without afterHandling the same fault creates nothing.
    emulator.setFaults([{ route: 'POST /jobs', kind: 'status', status: 504, count: 1 }]);
    expect((await call(emulator, 'POST', '/jobs', { body: valid })).status).toBe(504);
    expect((await walk(emulator, '/jobs', { page_size: 100 })).items).toHaveLength(37);
    expect(() => emulator.setFaults([{ route: '*', kind: 'latency', afterHandling: true }])).toThrow(/afterHandling/);
  });
});

describe('operator surface', () => {
  it('keeps cluster totals, nodes and GPU types consistent, naming only the caller’s jobs', async () => {
    const cluster = (await call(emulator, 'GET', '/cluster')).body.data;
    const nodes = (await call(emulator, 'GET', '/nodes')).body.data.nodes;
    expect(cluster.nodes_total).toBe(nodes.length);
    expect(cluster.gpus_in_use).toBe(nodes.reduce((sum: number, n: { gpus_in_use: number }) => sum + n.gpus_in_use, 0));
    expect(cluster.gpu_types.map((t: { gpu_type: string }) => t.gpu_type)).toEqual(['H100', 'A100', 'L40S']);
    const acme = new Set((await walk(emulator, '/jobs', { page_size: 100 })).items.map((job) => job.job_id));
    const globexNodes = (await call(emulator, 'GET', '/nodes', { key: EMULATOR_KEYS.otherTenant })).body.data.nodes;
    for (const node of globexNodes) {
      for (const id of node.running_job_ids) expect(acme.has(id)).toBe(false);
    }
    expect(globexNodes.map((n: { gpus_in_use: number }) => n.gpus_in_use)).toEqual(
      nodes.map((n: { gpus_in_use: number }) => n.gpus_in_use),
    );
  });

  it('drains a busy node until its jobs are gone, then reports it DRAINED; reset undoes drains', async () => {
    const nodes = (await call(emulator, 'GET', '/nodes')).body.data.nodes;
    const busy = nodes.find((n: { running_job_ids: string[] }) => n.running_job_ids.length > 0);
    const drained = await call(emulator, 'POST', `/nodes/${busy.node_id}/drain`, { body: { reason: 'maintenance' } });
    expect(drained.body.data).toMatchObject({ node_id: busy.node_id, status: 'DRAINING' });
    emulator.advance(30 * 24 * 60 * 60_000);
    const later = (await call(emulator, 'GET', '/nodes')).body.data.nodes.find(
      (n: { node_id: string }) => n.node_id === busy.node_id,
    );
    expect(later).toMatchObject({ status: 'DRAINED', gpus_in_use: 0, running_job_ids: [] });
    emulator.reset();
    const reset = (await call(emulator, 'GET', '/nodes')).body.data.nodes.find(
      (n: { node_id: string }) => n.node_id === busy.node_id,
    );
    expect(reset.status).toBe('READY');
  });

  it('needs cluster_admin to drain and manage to read the cache', async () => {
    const refused = await call(emulator, 'POST', '/nodes/node-h100-01/drain', { key: EMULATOR_KEYS.viewer });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AUTHZ_PERMISSION_DENIED');
    expect((await call(emulator, 'GET', '/data/cache', { key: EMULATOR_KEYS.evaluator })).status).toBe(403);
    const cache = (await call(emulator, 'GET', '/data/cache')).body.data.entries;
    expect(cache.length).toBeGreaterThan(0);
    expect(Object.keys(cache[0]).sort()).toEqual(['cached_at', 'size_bytes', 'uri']);
  });
});
