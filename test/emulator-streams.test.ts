/**
 * The emulator's event streams follow the contract's Streams section: ids, resume, tail, error
 * events, [DONE], heartbeats, and faults that strike mid-stream. The clock is frozen (speed 0) and
 * moved explicitly, so what each connection sees is exact.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, EMULATOR_KEYS, type Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { call, jobNamed } from './support/emulator-http.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ speed: 0, streamHeartbeatMs: 40 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.clearFaults());

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: boolean;
}

/** An open event stream read frame by frame (raw, so the test sees exactly what was sent). */
async function open(path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(emulator.url + path, {
    headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}`, ...headers },
    signal: controller.signal,
  });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  let ended = false;
  let failed = false;
  const pump = (async () => {
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          const frame: Frame = {};
          for (const line of buffer.slice(0, at).split('\n')) {
            if (line.startsWith(':')) frame.comment = true;
            else if (line.startsWith('id: ')) frame.id = line.slice(4);
            else if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('data: ')) frame.data = line.slice(6);
          }
          frames.push(frame);
          buffer = buffer.slice(at + 2);
        }
      }
    } catch {
      failed = true;
    }
    ended = true;
  })();
  return {
    res,
    frames,
    events: () => frames.filter((f) => f.id !== undefined),
    get ended() {
      return ended;
    },
    get failed() {
      return failed;
    },
    finished: pump,
    close: () => controller.abort(),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const ids = (frames: Frame[]) => frames.map((f) => Number(f.id));

describe('log stream', () => {
  it('sends the tail with dense ids, then live lines, each a contract log line', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const stream = await open(`/jobs/${job.job_id}/logs?tail=5`);
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
    await until(() => stream.events().length === 5, 'the tail');
    const tail = ids(stream.events());
    expect(tail).toEqual(Array.from({ length: 5 }, (_, i) => (tail[0] ?? 0) + i));
    const line = JSON.parse(stream.events()[4]?.data ?? '');
    expect(line).toEqual({
      ts: expect.any(String),
      level: 'INFO',
      message: expect.any(String),
      step: expect.any(Number),
    });
    expect(stream.frames[0]?.comment).toBe(true);

    emulator.advance(3000);
    await until(() => stream.events().length === 8, 'three live lines (one per simulated second)');
    expect(ids(stream.events()).slice(5)).toEqual([1, 2, 3].map((i) => (tail[4] ?? 0) + i));
    stream.close();
  });

  it('resumes after Last-Event-ID or ?since= with the same ids, and tail=0 sends only live lines', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const first = await open(`/jobs/${job.job_id}/logs?tail=10`);
    await until(() => first.events().length === 10, 'the tail');
    first.close();
    const seen = first.events();
    const resumeAfter = seen[6]?.id ?? '';

    const byHeader = await open(`/jobs/${job.job_id}/logs`, { 'last-event-id': resumeAfter });
    const byQuery = await open(`/jobs/${job.job_id}/logs?since=${resumeAfter}`);
    await until(() => byHeader.events().length === 3 && byQuery.events().length === 3, 'the resumed lines');
    expect(byHeader.events()).toEqual(seen.slice(7));
    expect(byQuery.events()).toEqual(seen.slice(7));

    const liveOnly = await open(`/jobs/${job.job_id}/logs?tail=0`);
    emulator.advance(1000);
    await until(() => liveOnly.events().length === 1, 'one live line');
    expect(Number(liveOnly.events()[0]?.id)).toBe(Number(seen[9]?.id) + 1);
    for (const stream of [byHeader, byQuery, liveOnly]) stream.close();
  });

  it('ends a terminal job’s stream with data: [DONE], and a cancelled job’s after its last line', async () => {
    const failed = await jobNamed(emulator, SEEDED.failed);
    const done = await open(`/jobs/${failed.job_id}/logs`);
    await done.finished;
    expect(done.frames.at(-1)).toEqual({ data: '[DONE]' });
    const last = JSON.parse(done.events().at(-1)?.data ?? '');
    expect(last.level).toBe('ERROR');

    const job = await jobNamed(emulator, SEEDED.paused);
    const stream = await open(`/jobs/${job.job_id}/logs?tail=1`);
    await until(() => stream.events().length === 1, 'the tail');
    expect((await call(emulator, 'POST', `/jobs/${job.job_id}/cancel`, { body: {} })).status).toBe(200);
    await stream.finished;
    expect(JSON.parse(stream.events().at(-1)?.data ?? '').message).toMatch(/^\[CANCELLED\]/);
    expect(stream.frames.at(-1)).toEqual({ data: '[DONE]' });
  });

  it('sends : heartbeats while nothing happens', async () => {
    const job = await jobNamed(emulator, SEEDED.queued);
    const stream = await open(`/jobs/${job.job_id}/logs?tail=0`);
    await until(() => stream.frames.filter((f) => f.comment).length >= 3, 'heartbeats');
    expect(stream.events()).toEqual([]);
    stream.close();
  });

  it('refuses a bad tail or since with 400 INVALID_ARGUMENT', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    for (const query of ['tail=-1', 'tail=abc', 'since=1.5']) {
      const reply = await call(emulator, 'GET', `/jobs/${job.job_id}/logs?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('mid-stream faults', () => {
  it('status: lets N events through, then event: error with the error object, and closes', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    emulator.setFaults([
      { route: 'GET /jobs/{job_id}/logs', kind: 'status', status: 503, afterEvents: 2, retryAfter: 2, count: 1 },
    ]);
    const stream = await open(`/jobs/${job.job_id}/logs?tail=5`);
    await stream.finished;
    expect(stream.events()).toHaveLength(2);
    const error = stream.frames.at(-1);
    expect(error?.event).toBe('error');
    expect(JSON.parse(error?.data ?? '')).toEqual({ code: 'UNAVAILABLE', message: expect.any(String), retry_after: 2 });
  });

  it('reset: drops the connection mid-way; a reconnect with Last-Event-ID continues without a gap', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    emulator.setFaults([{ route: 'GET /jobs/{job_id}/logs', kind: 'reset', afterEvents: 3, count: 1 }]);
    const cut = await open(`/jobs/${job.job_id}/logs?tail=6`);
    await cut.finished;
    expect(cut.events()).toHaveLength(3);
    expect(cut.frames.some((f) => f.data === '[DONE]')).toBe(false);
    const resumed = await open(`/jobs/${job.job_id}/logs`, { 'last-event-id': cut.events()[2]?.id ?? '' });
    await until(() => resumed.events().length === 3, 'the rest of the tail');
    expect(Number(resumed.events()[0]?.id)).toBe(Number(cut.events()[2]?.id) + 1);
    resumed.close();
  });

  it('hang: goes silent, heartbeats included', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    emulator.setFaults([{ route: 'GET /jobs/{job_id}/logs', kind: 'hang', afterEvents: 0, count: 1 }]);
    const stream = await open(`/jobs/${job.job_id}/logs?tail=3`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.frames).toEqual([{ comment: true }]);
    expect(stream.ended).toBe(false);
    stream.close();
  });
});

describe('metrics stream', () => {
  it('starts with the latest snapshot, replays history from since=0, and ends with [DONE] when terminal', async () => {
    const job = await jobNamed(emulator, SEEDED.trainingWithCheckpoints);
    const latest = await open(`/jobs/${job.job_id}/metrics/stream`);
    await until(() => latest.events().length === 1, 'the latest snapshot');
    const snapshot = JSON.parse(latest.events()[0]?.data ?? '');
    expect(snapshot).toEqual({ step: expect.any(Number), recorded_at: expect.any(String), values: expect.any(Object) });
    expect(snapshot.values.loss).toBeGreaterThan(0);
    emulator.advance(2000);
    await until(() => latest.events().length === 3, 'two live snapshots');
    latest.close();

    const history = await open(`/jobs/${job.job_id}/metrics/stream?since=0`);
    await until(() => history.events().length > 3 && history.events().at(-1)?.id === latest.events()[2]?.id, 'history');
    expect(ids(history.events())[0]).toBe(1);
    const steps = history.events().map((f) => JSON.parse(f.data ?? '').step as number);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    history.close();

    const completed = await jobNamed(emulator, SEEDED.completedWithEvaluations);
    const done = await open(`/jobs/${completed.job_id}/metrics/stream`);
    await done.finished;
    expect(done.frames.at(-1)).toEqual({ data: '[DONE]' });
  });
});
