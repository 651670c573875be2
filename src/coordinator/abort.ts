/**
 * Kept on the signal itself rather than in a WeakMap keyed by it: a WeakMap entry with a young key
 * (one signal per request) keeps its value alive through every young-generation GC (see
 * `operationMemo` in context.ts).
 */
const WATCHERS = Symbol('abort watchers');

type WatchedSignal = AbortSignal & { [WATCHERS]?: Set<() => void> };

/**
 * The callbacks to run when `signal` aborts. One request scope's signal is shared by many
 * concurrent calls; a single listener per signal fanning out to a Set is cheaper than a listener
 * per attempt and does not trip Node's MaxListeners warning. The listener lives as long as the
 * signal does.
 */
export function abortWatchers(signal: AbortSignal): Set<() => void> {
  const watched = signal as WatchedSignal;
  let watchers = watched[WATCHERS];
  if (watchers === undefined) {
    const created = new Set<() => void>();
    watchers = created;
    watched[WATCHERS] = created;
    signal.addEventListener(
      'abort',
      () => {
        for (const watcher of created) watcher();
        created.clear();
      },
      { once: true },
    );
  }
  return watchers;
}
