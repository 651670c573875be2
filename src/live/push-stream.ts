/**
 * A push-fed async iterator: the hub pushes snapshots, the transport pulls them.
 *
 * Not an async generator on purpose: a generator's `return()` waits behind a pending `next()`,
 * so a client that disconnects while nothing changes would hold its subscriber until the next
 * event. Here `return()` settles a pending `next()` at once and runs the release callback.
 */

export interface PushStream<T> extends AsyncIterableIterator<T> {
  /** Queues a value (ignored once ended). */
  push(value: T): void;
  /** Ends after the queued values. */
  end(): void;
  /** Ends after the queued values with a rejection carrying `error`. */
  fail(error: unknown): void;
  readonly ended: boolean;
  /** Values pushed so far (an end or failure not counted). */
  readonly pushed: number;
}

type Step<T> = { value: T } | { done: true } | { error: unknown };

/** `onRelease` runs exactly once, when the stream ends for any reason (end, fail, return, throw). */
export function createPushStream<T>(onRelease: () => void): PushStream<T> {
  const queue: Step<T>[] = [];
  let waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  let ended = false;
  let released = false;
  let pushed = 0;

  const release = () => {
    if (released) return;
    released = true;
    onRelease();
  };

  const settle = (step: Step<T>) => {
    if (!waiting) {
      queue.push(step);
      return;
    }
    const { resolve, reject } = waiting;
    waiting = null;
    if ('value' in step) resolve({ value: step.value, done: false });
    else if ('error' in step) reject(step.error);
    else resolve({ value: undefined, done: true });
  };

  const close = (step: Step<T>) => {
    if (ended) return;
    ended = true;
    settle(step);
    release();
  };

  const stream: PushStream<T> = {
    push(value) {
      if (ended) return;
      pushed++;
      settle({ value });
    },
    end() {
      close({ done: true });
    },
    fail(error) {
      close({ error });
    },
    get ended() {
      return ended;
    },
    get pushed() {
      return pushed;
    },
    next() {
      const step = queue.shift();
      if (step) {
        if ('value' in step) return Promise.resolve({ value: step.value, done: false });
        // The terminal step stays queued: every later next() sees the end too.
        queue.unshift({ done: true });
        if ('error' in step) return Promise.reject(step.error);
        return Promise.resolve({ value: undefined, done: true });
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return() {
      queue.length = 0;
      close({ done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error) {
      queue.length = 0;
      close({ done: true });
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
