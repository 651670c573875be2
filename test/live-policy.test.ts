import { describe, expect, it } from 'vitest';
import { budgetIntervalMs, IDLE_FACTOR, nextPollDelay } from '../src/live/policy.js';
import { fingerprintOf } from '../src/live/snapshot.js';
import { fakeEvaluation } from './support/live-fakes.js';

const bounds = { baseMs: 1000, maxMs: 30_000 };
const MID = 0.5; // no jitter

describe('poll interval policy', () => {
  it('polls at the base interval while running and slower while queued', () => {
    expect(nextPollDelay({ ok: true, status: 'EVALUATING', rateLimit: null }, bounds, MID)).toBe(1000);
    expect(nextPollDelay({ ok: true, status: 'QUEUED', rateLimit: null }, bounds, MID)).toBe(1000 * IDLE_FACTOR);
    expect(nextPollDelay({ ok: true, status: 'PENDING', rateLimit: null }, bounds, MID)).toBe(1000 * IDLE_FACTOR);
  });

  it('jitters by ±15% but never leaves [base, max]', () => {
    const queued = { ok: true, status: 'QUEUED', rateLimit: null } as const;
    expect(nextPollDelay(queued, bounds, 0)).toBe(2550);
    expect(nextPollDelay(queued, bounds, 0.999_999)).toBe(3450);
    const running = { ok: true, status: 'TRAINING', rateLimit: null } as const;
    expect(nextPollDelay(running, bounds, 0)).toBe(1000);
    expect(nextPollDelay(running, { baseMs: 1000, maxMs: 1100 }, 0.999_999)).toBe(1100);
  });

  it('backs off exponentially on failures, capped at the maximum', () => {
    const failure = (n: number) => ({
      ok: false as const,
      consecutiveFailures: n,
      retryAfterSeconds: null,
      rateLimit: null,
    });
    expect(nextPollDelay(failure(1), bounds, MID)).toBe(2000);
    expect(nextPollDelay(failure(2), bounds, MID)).toBe(4000);
    expect(nextPollDelay(failure(4), bounds, MID)).toBe(16_000);
    expect(nextPollDelay(failure(5), bounds, MID)).toBe(30_000);
    expect(nextPollDelay(failure(50), bounds, MID)).toBe(30_000);
  });

  it('honours Retry-After, even beyond the maximum', () => {
    const failure = { ok: false as const, consecutiveFailures: 1, retryAfterSeconds: 7, rateLimit: null };
    expect(nextPollDelay(failure, bounds, MID)).toBe(7000);
    expect(nextPollDelay({ ...failure, retryAfterSeconds: 45 }, bounds, MID)).toBe(45_000);
  });

  it('stretches the interval so a low rate-limit budget lasts until the reset', () => {
    expect(budgetIntervalMs({ limit: 60, remaining: 30, resetSeconds: 40 })).toBe(0);
    expect(budgetIntervalMs(null)).toBe(0);
    // 4 of 60 left (< 10%), 20 s to go: one call every 5 s.
    expect(budgetIntervalMs({ limit: 60, remaining: 4, resetSeconds: 20 })).toBe(5000);
    const low = {
      ok: true as const,
      status: 'TRAINING' as const,
      rateLimit: { limit: 60, remaining: 4, resetSeconds: 20 },
    };
    expect(nextPollDelay(low, bounds, MID)).toBe(5000);
    // Nothing left: wait for the reset, within the maximum.
    const none = {
      ok: true as const,
      status: 'TRAINING' as const,
      rateLimit: { limit: 60, remaining: 0, resetSeconds: 50 },
    };
    expect(nextPollDelay(none, bounds, MID)).toBe(30_000);
  });
});

describe('fingerprint', () => {
  it('ignores raw and timestamps, sees status, scores and message', () => {
    const a = fakeEvaluation('e1', 'EVALUATING');
    const b = { ...fakeEvaluation('e1', 'EVALUATING'), raw: { other: true }, startedAt: '2026-01-01T00:00:00Z' };
    expect(fingerprintOf('evaluation', a)).toBe(fingerprintOf('evaluation', b));
    expect(fingerprintOf('evaluation', a)).not.toBe(fingerprintOf('evaluation', fakeEvaluation('e1', 'COMPLETED')));
    expect(fingerprintOf('evaluation', a)).not.toBe(
      fingerprintOf('evaluation', fakeEvaluation('e1', 'EVALUATING', 0.5)),
    );
    expect(fingerprintOf('evaluation', a)).not.toBe(fingerprintOf('evaluation', { ...a, message: 'OOM' }));
  });
});
