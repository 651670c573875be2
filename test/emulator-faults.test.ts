import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { call, jobNamed } from './support/emulator-http.js';

let emulator: Emulator;
let jobId: string;

beforeAll(async () => {
  emulator = await createEmulator({ speed: 0 });
  jobId = (await jobNamed(emulator, SEEDED.completedWithEvaluations)).job_id;
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetStats();
});
afterAll(async () => {
  await emulator.close();
});

describe('fault injection', () => {
  it('answers with an injected status in the ScaiGrid error body, for the next N calls only', async () => {
    emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 503, retryAfter: 2, count: 2 }]);
    for (let i = 0; i < 2; i++) {
      const reply = await call(emulator, 'GET', `/jobs/${jobId}`);
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ status: 'error', error: { code: 'UNAVAILABLE', retry_after: 2 } });
      expect(reply.body.meta.request_id).toBe(reply.headers.get('x-request-id'));
      expect(reply.headers.get('retry-after')).toBe('2');
      expect(reply.headers.get('x-scaigrid-ratelimit-limit')).not.toBeNull();
    }
    expect((await call(emulator, 'GET', `/jobs/${jobId}`)).status).toBe(200);
    // Other routes were never affected.
    emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 500, code: 'INTERNAL' }]);
    expect((await call(emulator, 'GET', '/jobs')).status).toBe(200);
    expect((await call(emulator, 'GET', `/jobs/${jobId}`)).body.error.code).toBe('INTERNAL');
  });

  it('adds latency and counts the waiting requests as in flight', async () => {
    emulator.setFaults([{ route: 'GET /queue', kind: 'latency', latencyMs: 150 }]);
    const started = performance.now();
    const replies = await Promise.all([1, 2, 3].map(() => call(emulator, 'GET', '/queue')));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(emulator.stats()).toEqual({ requests: { 'GET /queue': 3 }, max_in_flight: { 'GET /queue': 3 } });
  });

  it('resets the connection without a response', async () => {
    emulator.setFaults([{ route: 'GET *', kind: 'reset', count: 1 }]);
    await expect(call(emulator, 'GET', `/jobs/${jobId}`)).rejects.toThrow();
    expect((await call(emulator, 'GET', `/jobs/${jobId}`)).status).toBe(200);
  });

  it('sends a malformed JSON body with a 200', async () => {
    emulator.setFaults([{ route: 'GET /jobs', kind: 'malformed' }]);
    const res = await fetch(`${emulator.url}/jobs`, { headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    await expect(res.json()).rejects.toThrow();
  });

  it('hangs until the client gives up, then answers normally', async () => {
    emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'hang', count: 1 }]);
    await expect(call(emulator, 'GET', `/jobs/${jobId}`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect((await call(emulator, 'GET', `/jobs/${jobId}`)).status).toBe(200);
  });

  it('closes even with hung requests and open event streams', async () => {
    const doomed = await createEmulator({ speed: 0 });
    doomed.setFaults([{ route: 'GET /queue', kind: 'hang' }]);
    const hung = call(doomed, 'GET', '/queue');
    const stream = await fetch(`${doomed.url}/jobs/${jobId}/logs`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    const running = await jobNamed(doomed, SEEDED.trainingWithCheckpoints);
    const live = await fetch(`${doomed.url}/jobs/${running.job_id}/logs`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    expect(stream.status).toBe(200);
    expect(live.status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(doomed.stats().max_in_flight['GET /queue']).toBe(1);
    const started = performance.now();
    await doomed.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(hung).rejects.toThrow();
    await expect(live.text()).rejects.toThrow();
  });

  it('fires probabilistic faults from a seeded PRNG: same seed, same pattern', async () => {
    const pattern = async (emu: Emulator) => {
      emu.setFaults([{ route: '*', kind: 'status', status: 503, probability: 0.5 }]);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await call(emu, 'GET', '/queue')).status);
      emu.clearFaults();
      return statuses;
    };
    const twin = await createEmulator({ speed: 0 });
    try {
      const a = await pattern(emulator);
      const b = await pattern(twin);
      const failures = a.filter((s) => s === 503).length;
      expect(failures).toBeGreaterThan(5);
      expect(failures).toBeLessThan(35);
      expect(b).toEqual(a);
    } finally {
      await twin.close();
    }
    emulator.setFaults([{ route: '*', kind: 'status', probability: 0 }]);
    for (let i = 0; i < 10; i++) expect((await call(emulator, 'GET', '/queue')).status).toBe(200);
  });

  it('matches method wildcards and never touches the control API', async () => {
    emulator.setFaults([{ route: 'POST *', kind: 'status', status: 502 }]);
    expect((await call(emulator, 'GET', '/queue')).status).toBe(200);
    const post = await call(emulator, 'POST', '/data/validate', { body: { uris: [] } });
    expect(post.status).toBe(502);
    expect(post.body.error.code).toBe('UNAVAILABLE');
    emulator.setFaults([{ route: '*', kind: 'hang' }]);
    const stats = await fetch(`${emulator.origin}/_emulator/stats`, { signal: AbortSignal.timeout(2000) });
    expect(stats.status).toBe(200);
  });

  it('rejects an invalid fault list', () => {
    expect(() => emulator.setFaults([{ route: '*', kind: 'explode' as 'hang' }])).toThrow();
    expect(() => emulator.setFaults([{ route: '*', kind: 'status', probability: 2 }])).toThrow();
  });
});

describe('stats and reset', () => {
  it('counts requests per route template and forgets them on resetStats', async () => {
    await call(emulator, 'GET', `/jobs/${jobId}`);
    await call(emulator, 'GET', `/jobs/${jobId}`);
    await call(emulator, 'POST', `/jobs/${jobId}/cancel`);
    await call(emulator, 'GET', '/evaluations/eval_00000000');
    await call(emulator, 'GET', '/jobs', { key: null });
    expect(emulator.stats().requests).toEqual({
      'GET /jobs/{job_id}': 2,
      'POST /jobs/{job_id}/cancel': 1,
      'GET /evaluations/{evaluation_id}': 1,
      'GET /jobs': 1,
    });
    emulator.resetStats();
    expect(emulator.stats()).toEqual({ requests: {}, max_in_flight: {} });
  });

  it('puts data, clock and faults back to seed on reset', async () => {
    const submitted = await call(emulator, 'POST', '/jobs', {
      body: {
        name: 'temp',
        training_config: { training_type: 'SFT' },
        data_config: { sources: [{ path: 'scaidrive://acme/data/qa/train.jsonl' }] },
      },
    });
    const newId = submitted.body.data.job_id;
    emulator.advance(60 * 60_000);
    emulator.setFaults([{ route: 'GET /queue', kind: 'status' }]);
    emulator.reset();
    expect((await call(emulator, 'GET', `/jobs/${newId}`)).status).toBe(404);
    expect((await call(emulator, 'GET', '/queue')).status).toBe(200);
    const seeded = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const fresh = await createEmulator({ speed: 0 });
    try {
      expect(seeded).toEqual(await jobNamed(fresh, SEEDED.trainingWithCheckpoints));
    } finally {
      await fresh.close();
    }
  });

  it('offers the same controls over HTTP under /_emulator', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.origin}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
    const faults = await post('faults', {
      faults: [{ route: 'GET /queue', kind: 'status', status: 429, retry_after: 3 }],
    });
    expect(faults.status).toBe(200);
    const limited = await call(emulator, 'GET', '/queue');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', retry_after: 3 });
    await post('faults', { faults: [] });
    expect((await call(emulator, 'GET', '/queue')).status).toBe(200);

    const before = await jobNamed(emulator, SEEDED.queued);
    expect((await post('clock', { advance_ms: 24 * 60 * 60_000 })).status).toBe(200);
    expect((await jobNamed(emulator, SEEDED.queued)).status).not.toBe(before.status);
    expect((await post('clock', { advance_ms: -1 })).status).toBe(400);

    const stats = (await (await fetch(`${emulator.origin}/_emulator/stats`)).json()) as {
      requests: Record<string, number>;
    };
    expect(stats.requests['GET /queue']).toBe(2);
    expect((await post('reset', {})).status).toBe(200);
    expect((await jobNamed(emulator, SEEDED.queued)).status).toBe('QUEUED');
  });
});

describe('rate limiting', () => {
  it('refuses the request over the per-key budget with 429, retry_after and Retry-After', async () => {
    const limited = await createEmulator({ speed: 0, rateLimitPerMinute: 5 });
    try {
      const remaining: string[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await call(limited, 'GET', '/queue');
        expect(reply.status).toBe(200);
        expect(reply.headers.get('x-scaigrid-ratelimit-limit')).toBe('5');
        remaining.push(reply.headers.get('x-scaigrid-ratelimit-remaining') ?? '');
      }
      expect(remaining).toEqual(['4', '3', '2', '1', '0']);
      const refused = await call(limited, 'GET', '/queue');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      expect(refused.body.error.retry_after).toBeGreaterThan(0);
      expect(refused.body.error.retry_after).toBeLessThanOrEqual(60);
      expect(refused.headers.get('retry-after')).toBe(String(refused.body.error.retry_after));
      expect(Number(refused.headers.get('x-scaigrid-ratelimit-reset'))).toBeGreaterThan(0);
      // Another key has its own window.
      expect((await call(limited, 'GET', '/queue', { key: EMULATOR_KEYS.viewer })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
