import DataLoader from 'dataloader';
import { type Context, operationMemo } from '../context.js';
import { builder } from './builder.js';

/**
 * The coordinator has no batch-get endpoint: a "batch" is one GET per distinct id, issued
 * concurrently. A failed id becomes an Error in its slot, so that only the fields that asked for
 * it fail (DataLoader turns Errors into rejected loads).
 */
export function loadEach<T>(ids: readonly string[], load: (id: string) => Promise<T>): Promise<Array<T | Error>> {
  return Promise.all(
    ids.map((id) => load(id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))),
  );
}

type Load<Shape> = (ids: readonly string[], context: Context) => Promise<Array<Shape | Error>>;

/**
 * `builder.loadableNodeRef` (batching declared on the type: the ids that fields of this type
 * resolve to are loaded together), with loaders that live on the operation's context
 * (`operationMemo`) instead of the dataloader plugin's WeakMap keyed by the context, which kept
 * every request's object graph alive into the old generation.
 *
 * Both ways in use the new loader: `ref.getDataloader`, which resolvers call, and the
 * `extensions.getDataloader` through which the plugin loads (and primes, with `cacheResolved`)
 * the fields that return the type; one loader per request for both, or a job primed by a listing
 * would be fetched again (test/graph-queries.test.ts).
 */
export function loadableNode<Shape extends object>(
  name: string,
  options: {
    id: { resolve: (value: Shape) => string };
    load: Load<Shape>;
    /** The key objects of this type are cached under when a field resolves to one (a listing's items, say). */
    toKey?: (value: Shape) => string;
  },
) {
  const { id, load, toKey } = options;
  const ref = toKey
    ? builder.loadableNodeRef(name, { id, load, toKey, cacheResolved: true })
    : builder.loadableNodeRef(name, { id, load });
  const loaderOf = operationMemo((context) => new DataLoader<string, Shape>((ids) => load(ids, context)));
  const getDataloader = Object.assign((context: object) => loaderOf(context as Context), {
    delete: (context: object) => {
      loaderOf(context as Context).clearAll();
    },
  });
  ref.getDataloader = getDataloader;
  ref.updateConfig((config) => ({ ...config, extensions: { ...config.extensions, getDataloader } }));
  return ref;
}
