const watchersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * The callbacks to run when `signal` aborts. One request scope's signal is shared by many
 * concurrent calls; a single listener per signal fanning out to a Set is cheaper than a listener
 * per attempt and does not trip Node's MaxListeners warning. The listener lives as long as the
 * signal does.
 */
export function abortWatchers(signal: AbortSignal): Set<() => void> {
  let watchers = watchersBySignal.get(signal);
  if (watchers === undefined) {
    const created = new Set<() => void>();
    watchers = created;
    watchersBySignal.set(signal, created);
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
