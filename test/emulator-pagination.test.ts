import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { call, jobNamed, walk } from './support/emulator-http.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ speed: 0 });
});
afterAll(async () => {
  await emulator.close();
});

type Item = { job_id: string; name: string; created_at: string };

/** True when `items` follow `order_by`, ties broken by id in the same direction. */
function isOrdered(items: Item[], field: 'created_at' | 'name', direction: 'asc' | 'desc'): boolean {
  const sign = direction === 'asc' ? 1 : -1;
  return items.every((item, i) => {
    const prev = items[i - 1];
    if (prev === undefined) return true;
    const a = field === 'created_at' ? Date.parse(prev.created_at) : prev.name;
    const b = field === 'created_at' ? Date.parse(item.created_at) : item.name;
    const cmp = a < b ? -1 : a > b ? 1 : prev.job_id < item.job_id ? -1 : 1;
    return cmp * sign < 0;
  });
}

describe('page walks', () => {
  it.each([1, 7, 100])('page_size %i returns every job exactly once, newest first', async (pageSize) => {
    const { items, pages, totalCounts } = await walk(emulator, '/jobs', { page_size: pageSize });
    expect(items).toHaveLength(36);
    expect(new Set(items.map((j) => j.job_id)).size).toBe(36);
    expect(pages).toBe(Math.ceil(36 / pageSize));
    expect(new Set(totalCounts)).toEqual(new Set([36]));
    expect(isOrdered(items, 'created_at', 'desc')).toBe(true);
  });

  it('gives the same order whatever the page size', async () => {
    const small = await walk(emulator, '/jobs', { page_size: 7, order_by: 'name asc' });
    const large = await walk(emulator, '/jobs', { page_size: 100, order_by: 'name asc' });
    expect(small.items.map((j) => j.job_id)).toEqual(large.items.map((j) => j.job_id));
  });

  it('omits next_page_token on the last page (and defaults page_size to 20)', async () => {
    const first = await call(emulator, 'GET', '/jobs');
    expect(first.body.data.jobs).toHaveLength(20);
    expect(typeof first.body.data.next_page_token).toBe('string');
    const last = await call(emulator, 'GET', '/jobs', { query: { page_token: first.body.data.next_page_token } });
    expect(last.body.data.jobs).toHaveLength(16);
    expect('next_page_token' in last.body.data).toBe(false);
  });

  it.each([
    ['created_at asc', 'created_at', 'asc'],
    ['created_at desc', 'created_at', 'desc'],
    ['name asc', 'name', 'asc'],
    ['name desc', 'name', 'desc'],
  ] as const)('orders by %s', async (orderBy, field, direction) => {
    const { items } = await walk(emulator, '/jobs', { page_size: 9, order_by: orderBy });
    expect(items).toHaveLength(36);
    expect(isOrdered(items, field, direction)).toBe(true);
  });

  it('stays consistent when a new job appears between pages (keyset tokens)', async () => {
    const first = await call(emulator, 'GET', '/jobs', { query: { page_size: 10 } });
    await call(emulator, 'POST', '/jobs', {
      body: {
        name: 'mid-walk-job',
        training_config: { training_type: 'SFT' },
        data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
      },
    });
    const rest = await walk(emulator, '/jobs', { page_size: 10, page_token: first.body.data.next_page_token });
    const ids = [...first.body.data.jobs, ...rest.items].map((j: Item) => j.job_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(36);
    emulator.reset();
  });
});

describe('filters', () => {
  it('filters by repeated status and reports total_count of the filtered set', async () => {
    const all = (await walk(emulator, '/jobs', { page_size: 100 })).items;
    const expected = all.filter((j) => j.status === 'COMPLETED' || j.status === 'FAILED');
    const { items, totalCounts } = await walk(emulator, '/jobs', { page_size: 3, status: ['COMPLETED', 'FAILED'] });
    expect(items.map((j) => j.job_id).sort()).toEqual(expected.map((j) => j.job_id).sort());
    expect(totalCounts[0]).toBe(expected.length);
    const comma = await walk(emulator, '/jobs', { page_size: 100, status: 'FAILED,COMPLETED' });
    expect(comma.items).toHaveLength(expected.length);
  });

  it('filters evaluations by job_id', async () => {
    const job = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    const { items, totalCounts } = await walk(emulator, '/evaluations', { job_id: job.job_id, page_size: 1 });
    expect(items).toHaveLength(3);
    expect(totalCounts[0]).toBe(3);
    expect(items.every((e) => e.labels.parent_job_id === job.job_id)).toBe(true);
    const running = await walk(emulator, '/evaluations', { status: ['QUEUED', 'EVALUATING'] });
    expect(running.items.map((e) => e.status).sort()).toEqual(['EVALUATING', 'QUEUED']);
  });

  it('rejects an unknown status and an out-of-range page_size with 422 details', async () => {
    const status = await call(emulator, 'GET', '/jobs', { query: { status: 'RUNNING' } });
    expect(status.status).toBe(422);
    expect(status.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'status' }] });
    for (const size of ['0', '101', 'abc']) {
      const reply = await call(emulator, 'GET', '/evaluations', { query: { page_size: size } });
      expect(reply.status).toBe(422);
      expect(reply.body.error.details[0].field).toBe('page_size');
    }
  });

  it('rejects an unknown order_by with 400 INVALID_ARGUMENT', async () => {
    const reply = await call(emulator, 'GET', '/jobs', { query: { order_by: 'priority desc' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_ARGUMENT');
    expect(reply.body.error.message).toContain('order_by');
  });
});

describe('page tokens', () => {
  async function tokenFor(query: Record<string, string | number | string[]>): Promise<string> {
    const reply = await call(emulator, 'GET', '/jobs', { query });
    return reply.body.data.next_page_token;
  }

  it('binds a token to its filters, order_by and page_size', async () => {
    const base = { page_size: 5 };
    const token = await tokenFor(base);
    expect((await call(emulator, 'GET', '/jobs', { query: { ...base, page_token: token } })).status).toBe(200);
    for (const changed of [{ page_size: 6 }, { ...base, order_by: 'name asc' }, { ...base, status: 'COMPLETED' }]) {
      const reply = await call(emulator, 'GET', '/jobs', { query: { ...changed, page_token: token } });
      expect(reply.status, JSON.stringify(changed)).toBe(400);
      expect(reply.body.error.code).toBe('INVALID_ARGUMENT');
    }
    const otherList = await call(emulator, 'GET', '/evaluations', { query: { ...base, page_token: token } });
    expect(otherList.status).toBe(400);
    const forged = await call(emulator, 'GET', '/jobs', { query: { ...base, page_token: `${token}x` } });
    expect(forged.status).toBe(400);
  });

  it('expires a token 10 minutes after issue on the emulator clock', async () => {
    const token = await tokenFor({ page_size: 5 });
    emulator.advance(9 * 60_000);
    expect((await call(emulator, 'GET', '/jobs', { query: { page_size: 5, page_token: token } })).status).toBe(200);
    emulator.advance(60_000 + 1_000);
    const expired = await call(emulator, 'GET', '/jobs', { query: { page_size: 5, page_token: token } });
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe('INVALID_ARGUMENT');
    expect(expired.body.error.message).toMatch(/expired/);
    emulator.reset();
  });
});

describe('a large tenant', () => {
  // How fast is the bench's business (no wall-clock assertions on a shared machine).
  it('seeds 1000 jobs and walks them exactly once', async () => {
    const big = await createEmulator({ speed: 0, seedJobs: 1000 });
    try {
      const { items, pages } = await walk(big, '/jobs', { page_size: 100 });
      expect(pages).toBe(10);
      expect(new Set(items.map((j) => j.job_id)).size).toBe(1000);
      expect(isOrdered(items, 'created_at', 'desc')).toBe(true);
      const byName = await walk(big, '/jobs', { page_size: 7, order_by: 'name desc' });
      expect(new Set(byName.items.map((j) => j.job_id)).size).toBe(1000);
      expect(isOrdered(byName.items, 'name', 'desc')).toBe(true);
    } finally {
      await big.close();
    }
  });
});
