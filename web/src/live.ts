/** Keeping items on screen current through their own subscriptions. */
import { useEffect, useState } from 'preact/hooks';

/**
 * The latest value of each unfinished item (by id), kept by `watch(id, update)`, which subscribes
 * and returns its stop; items that end stop being watched. A lost stream is not worth an error
 * box per item: the item keeps its last state. With `fresh`, a new set of watched items starts
 * from no updates (a new page); without it, updates survive the set changing (items come and go).
 */
export function useLiveItems<T extends { id: string; isTerminal: boolean }>(
  items: T[],
  watch: (id: string, update: (item: T) => void) => () => void,
  fresh = false,
): Map<string, T> {
  const [live, setLive] = useState(() => new Map<string, T>());
  const watched = items
    .filter((item) => !item.isTerminal)
    .map((item) => item.id)
    .join(',');
  // The ids decide what to watch; `watch` and `fresh` are the caller's fixed recipe.
  useEffect(() => {
    if (fresh) setLive(new Map());
    const stops = watched
      .split(',')
      .filter(Boolean)
      .map((id) => watch(id, (item) => setLive((previous) => new Map(previous).set(item.id, item))));
    return () => {
      for (const stop of stops) stop();
    };
  }, [watched]);
  return live;
}
