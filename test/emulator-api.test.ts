import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_STATUSES } from '../src/coordinator/domain.js';
import { normalizeJob } from '../src/coordinator/wire.js';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { STATUSES, statusNumber } from '../src/emulator/vocabulary.js';
import { call, jobNamed, walk } from './support/emulator-http.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ speed: 0 });
});
afterAll(async () => {
  await emulator.close();
});

describe('auth and envelope', () => {
  it('answers a missing token with 401 AUTH_TOKEN_MISSING in the ScaiGrid error envelope', async () => {
    const reply = await call(emulator, 'GET', '/jobs', { key: null });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ status: 'error', error: { code: 'AUTH_TOKEN_MISSING' } });
    expect(reply.body.meta.request_id).toBe(reply.headers.get('x-request-id'));
  });

  it('answers an unknown key with 401 AUTH_TOKEN_INVALID', async () => {
    const reply = await call(emulator, 'GET', '/jobs', { key: 'sgk_not_a_real_key_0000000000000000000' });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('lets the viewer read jobs and evaluations but answers 403 on manage and evaluate endpoints', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const viewer = EMULATOR_KEYS.viewer;
    expect((await call(emulator, 'GET', `/jobs/${job.job_id}`, { key: viewer })).status).toBe(200);
    for (const [method, path] of [
      ['POST', `/jobs/${job.job_id}/cancel`],
      ['POST', '/jobs'],
      ['POST', '/evaluations'],
      ['POST', '/data/validate'],
    ] as const) {
      const reply = await call(emulator, method, path, method === 'POST' ? { key: viewer, body: {} } : { key: viewer });
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.body.error.code).toBe('AUTHZ_PERMISSION_DENIED');
    }
    // Reading evaluations is listed under both view and evaluate [doc].
    const listed = await call(emulator, 'GET', '/evaluations', { key: viewer });
    expect(listed.status).toBe(200);
    const one = await call(emulator, 'GET', `/evaluations/${listed.body.data.jobs[0].job_id}`, { key: viewer });
    expect(one.status).toBe(200);
  });

  it('has an evaluate-only key: submits and reads evaluations, cannot read jobs', async () => {
    const key = EMULATOR_KEYS.evaluateOnly;
    const job = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    expect((await call(emulator, 'GET', `/jobs/${job.job_id}`, { key })).status).toBe(403);
    expect((await call(emulator, 'GET', '/jobs', { key })).status).toBe(403);
    const submit = await call(emulator, 'POST', '/evaluations', {
      key,
      body: { job_id: job.job_id, model_uri: job.output_model_uri, benchmarks: [{ name: 'mmlu' }] },
    });
    expect(submit.status).toBe(201);
    const read = await call(emulator, 'GET', `/evaluations/${submit.body.data.evaluation_id}`, { key });
    expect(read.status).toBe(200);
    expect(read.body.data.job_id).toBe(job.job_id);
  });

  it('sends X-Scaigrid-Ratelimit-Reset as a Unix epoch in seconds, and seconds to go where a deployment drifts', async () => {
    const nowSeconds = Date.now() / 1000;
    const epoch = Number((await call(emulator, 'GET', '/queue')).headers.get('x-scaigrid-ratelimit-reset'));
    expect(epoch).toBeGreaterThanOrEqual(Math.floor(nowSeconds));
    expect(epoch).toBeLessThan(nowSeconds + 3600);
    emulator.setProfile('ratelimit-reset-delta');
    try {
      const delta = Number((await call(emulator, 'GET', '/queue')).headers.get('x-scaigrid-ratelimit-reset'));
      expect(delta).toBeGreaterThanOrEqual(0);
      expect(delta).toBeLessThanOrEqual(60);
    } finally {
      emulator.setProfile('contract');
    }
  });

  it('lets the evaluator list evaluations but not submit jobs', async () => {
    expect((await call(emulator, 'GET', '/evaluations', { key: EMULATOR_KEYS.evaluator })).status).toBe(200);
    const reply = await call(emulator, 'POST', '/jobs', { key: EMULATOR_KEYS.evaluator, body: { name: 'x' } });
    expect(reply.status).toBe(403);
  });

  it('wraps success as {status: ok, data} and carries X-Request-Id and rate-limit headers', async () => {
    const reply = await call(emulator, 'GET', '/queue');
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('ok');
    expect(reply.body.data).toBeDefined();
    expect(reply.headers.get('x-request-id')).toMatch(/^req_/);
    expect(reply.headers.get('x-scaigrid-ratelimit-limit')).toBe('100000');
    expect(Number(reply.headers.get('x-scaigrid-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(Number(reply.headers.get('x-scaigrid-ratelimit-reset'))).toBeGreaterThanOrEqual(0);
    const error = await call(emulator, 'GET', '/jobs', { key: null });
    expect(error.headers.get('x-scaigrid-ratelimit-limit')).toBe('100000');
  });

  it('answers unknown routes 404, wrong methods 405 and malformed JSON 400', async () => {
    const unknown = await call(emulator, 'GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const outside = await fetch(`${emulator.origin}/v2/elsewhere`);
    expect(outside.status).toBe(404);
    const wrong = await call(emulator, 'DELETE', '/jobs');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
    const bad = await call(emulator, 'POST', '/jobs', { rawBody: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('tenant isolation', () => {
  it('hides acme jobs and evaluations from globex (404, not 403)', async () => {
    const job = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    const evaluations = await walk(emulator, '/evaluations', { job_id: job.job_id });
    const other = EMULATOR_KEYS.otherTenant;
    const getJob = await call(emulator, 'GET', `/jobs/${job.job_id}`, { key: other });
    expect(getJob.status).toBe(404);
    expect(getJob.body.error.code).toBe('NOT_FOUND');
    const evaluationId = evaluations.items[0].job_id;
    expect((await call(emulator, 'GET', `/evaluations/${evaluationId}`, { key: other })).status).toBe(404);
    expect((await call(emulator, 'POST', `/jobs/${job.job_id}/cancel`, { key: other })).status).toBe(404);
    expect((await call(emulator, 'GET', `/jobs/${job.job_id}/metrics`, { key: other })).status).toBe(404);
    const submit = await call(emulator, 'POST', '/evaluations', {
      key: other,
      body: { job_id: job.job_id, model_uri: 'scaidrive://globex/models/x/', benchmarks: [{ name: 'mmlu' }] },
    });
    expect(submit.status).toBe(404);
  });

  it('lists only the caller tenant’s items', async () => {
    const globexJobs = await walk(emulator, '/jobs', { page_size: 100 }, EMULATOR_KEYS.otherTenant);
    expect(globexJobs.items.map((j) => j.name).every((n: string) => n.startsWith('globex-'))).toBe(true);
    expect(globexJobs.items).toHaveLength(5);
    const globexEvaluations = await walk(emulator, '/evaluations', {}, EMULATOR_KEYS.otherTenant);
    expect(globexEvaluations.items).toHaveLength(2);
    const acmeIds = new Set((await walk(emulator, '/jobs', { page_size: 100 })).items.map((j) => j.job_id));
    expect(globexJobs.items.some((j) => acmeIds.has(j.job_id))).toBe(false);
    const queue = await call(emulator, 'GET', '/queue', { key: EMULATOR_KEYS.otherTenant });
    expect(queue.body.data.entries.every((j: { job_id: string }) => !acmeIds.has(j.job_id))).toBe(true);
  });
});

describe('seed data', () => {
  it('puts acme jobs in every one of the 13 statuses, with labels and checkpoints', async () => {
    const { items } = await walk(emulator, '/jobs', { page_size: 100 });
    expect(items).toHaveLength(36);
    // The gateway's list is the contract's 13 statuses; the emulator keeps its own, so this checks
    // one against the other.
    expect(new Set(items.map((j) => j.status))).toEqual(new Set(JOB_STATUSES));
    expect(items.every((j) => typeof j.labels.team === 'string' && typeof j.labels.project === 'string')).toBe(true);
    expect(new Set(items.map((j) => j.training_config.training_type)).size).toBeGreaterThan(3);
    const named = Object.fromEntries(items.map((j) => [j.name, j]));
    expect(named[SEEDED.completedWithEvaluations].status).toBe('COMPLETED');
    expect(named[SEEDED.completedWithEvaluations].output_model_uri).toMatch(/^scaidrive:\/\/acme\/models\//);
    expect(named[SEEDED.trainingWithCheckpoints].status).toBe('TRAINING');
    expect(named[SEEDED.trainingWithCheckpoints].checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(named[SEEDED.paused].status).toBe('PAUSED');
    expect(named[SEEDED.failed].status).toBe('FAILED');
    expect(named[SEEDED.cancelled].status).toBe('CANCELLED');
    expect(named[SEEDED.preempted].status).toBe('PREEMPTED');
    expect(named[SEEDED.queued].queue_position).toBe(1);
  });

  it('has finished, running and checkpoint evaluations, including the custom support benchmark', async () => {
    const { items } = await walk(emulator, '/evaluations', { page_size: 100 });
    const custom = items.flatMap((e) => e.benchmarks).find((b) => b.name === 'custom-acme-support');
    expect(custom).toEqual({
      name: 'custom-acme-support',
      dataset: 'scaidrive://acme/eval/support-testset.jsonl',
      parameters: { max_new_tokens: '256', temperature: '0.0' },
    });
    const statuses = items.map((e) => e.status);
    expect(statuses).toContain('COMPLETED');
    expect(statuses).toContain('QUEUED');
    const running = items.find((e) => e.status === 'EVALUATING');
    expect(running.results.length).toBeGreaterThan(0);
    expect(running.results.length).toBeLessThan(running.benchmarks.length);
    expect(items.some((e) => e.checkpoint_id !== '' && e.status === 'COMPLETED')).toBe(true);
    // Job-shaped workload records [doc]: job_id is the evaluation's own id, the evaluated job a label.
    expect(items.every((e) => e.labels.type === 'evaluation' && /^job_/.test(e.labels.parent_job_id))).toBe(true);
    expect(items.every((e) => /^eval_/.test(e.job_id) && e.evaluation_id === undefined)).toBe(true);
  });
});

describe('queue, metrics and data validation', () => {
  it('reports the tenant queue with positions', async () => {
    const reply = await call(emulator, 'GET', '/queue');
    const { depth, by_status, entries } = reply.body.data;
    expect(depth).toBe(entries.length);
    expect(by_status.QUEUED + by_status.PENDING).toBe(depth);
    const queued = entries.filter((e: { position: number }) => e.position > 0);
    expect(queued.map((e: { position: number }) => e.position)).toEqual(queued.map((_: unknown, i: number) => i + 1));
    expect(by_status.QUEUED).toBe(queued.length);
    // Evaluations share the queue with training jobs, and a job's own queue_position agrees.
    expect(new Set(entries.map((e: { type: string }) => e.type))).toEqual(new Set(['training', 'evaluation']));
    const firstJob = entries.find((e: { type: string; position: number }) => e.type === 'training' && e.position > 0);
    const job = (await call(emulator, 'GET', `/jobs/${firstJob.job_id}`)).body.data;
    expect(job.queue_position).toBe(firstJob.position);
  });

  it('serves the latest metrics of a training job and an empty snapshot before training', async () => {
    const training = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const metrics = (await call(emulator, 'GET', `/jobs/${training.job_id}/metrics`)).body.data;
    expect(metrics.job_id).toBe(training.job_id);
    expect(metrics.step).toBe(training.progress.current_step);
    expect(metrics.metrics.loss).toBeGreaterThan(0);
    expect(metrics.metrics.learning_rate).toBeGreaterThan(0);
    expect(metrics.metrics.tokens_per_second).toBeGreaterThan(0);
    const queued = await jobNamed(emulator, SEEDED.queued);
    const empty = (await call(emulator, 'GET', `/jobs/${queued.job_id}/metrics`)).body.data;
    expect(empty).toEqual({ job_id: queued.job_id, step: 0, metrics: {}, recorded_at: null });
  });

  it('validates dataset URIs of the caller tenant', async () => {
    const uris = [
      'scaidrive://acme/data/ok.jsonl',
      'scaidrive://acme/missing/gone.jsonl',
      'scaidrive://globex/x.jsonl',
      's3://b/k',
    ];
    const reply = await call(emulator, 'POST', '/data/validate', { body: { uris } });
    expect(reply.body.data.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, false, false]);
    expect(reply.body.data.results[0].uri).toBe(uris[0]);
    const invalid = await call(emulator, 'POST', '/data/validate', { body: { uris: 'nope' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details[0].field).toBe('uris');
  });
});

describe('independence', () => {
  it('imports nothing from the gateway: it stands for an upstream the gateway does not control', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const root = new URL('../src/emulator/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const outside: string[] = [];
    for (const file of files) {
      const text = await readFile(new URL(file, root), 'utf8');
      const depth = file.split('/').length - 1;
      for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
        const target = match[1] ?? '';
        // Climbing more levels than the file sits below src/emulator/ leaves the emulator.
        const ups = target.split('/').filter((s) => s === '..').length;
        if (ups > depth) outside.push(`${file}: ${target}`);
      }
    }
    expect(files.length).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });

  it('numbers its statuses as the gateway decodes them: a reordering on either side fails here', () => {
    expect(STATUSES).toHaveLength(JOB_STATUSES.length);
    for (const status of STATUSES) {
      expect(normalizeJob({ job_id: 'j', status: statusNumber(status) }).status, status).toBe(status);
    }
  });
});
