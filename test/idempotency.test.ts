import { describe, expect, it } from 'vitest';
import { createMemoryIdempotencyStore } from '../src/idempotency.js';

describe('in-process idempotency store', () => {
  it('submits once per key, replays the result, and forgets it after the TTL', async () => {
    let clock = 0;
    let posts = 0;
    const store = createMemoryIdempotencyStore(1_000, () => clock);
    const submit = async () => `eval_${++posts}`;
    expect(await store.run('k', 'f', submit)).toEqual({ kind: 'fresh', value: 'eval_1' });
    expect(await store.run('k', 'f', submit)).toEqual({ kind: 'replayed', value: 'eval_1' });
    expect(await store.run('k', 'other', submit)).toEqual({ kind: 'mismatch' });
    clock = 1_001;
    expect(await store.run('k', 'f', submit)).toEqual({ kind: 'fresh', value: 'eval_2' });
  });

  it('forgets a failed submit so that the client can retry it', async () => {
    const store = createMemoryIdempotencyStore();
    await expect(store.run('k', 'f', async () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    expect(await store.run('k', 'f', async () => 'eval_ok')).toEqual({ kind: 'fresh', value: 'eval_ok' });
  });

  it('keeps at most maxKeys keys, dropping the oldest', async () => {
    let posts = 0;
    const store = createMemoryIdempotencyStore(60_000, Date.now, 2);
    const submit = async () => `eval_${++posts}`;
    await store.run('a', 'f', submit);
    await store.run('b', 'f', submit);
    await store.run('c', 'f', submit);
    expect(await store.run('c', 'f', submit)).toEqual({ kind: 'replayed', value: 'eval_3' });
    expect(await store.run('a', 'f', submit)).toEqual({ kind: 'fresh', value: 'eval_4' });
  });
});
