import { cacheEntries } from '../cluster.js';
import type { HandlerContext, JsonReply } from '../context.js';
import { datasetProblem } from '../datasets.js';
import { validationError } from '../errors.js';

/** POST /data/validate: `{"uris": [...]}` → `{"results": [{uri, ok, message}]}`. */
export function validateData(ctx: HandlerContext): JsonReply {
  const uris = ctx.body.uris;
  if (!Array.isArray(uris)) throw validationError([{ field: 'uris', message: 'must be a list of strings' }]);
  const bad = uris.flatMap((u, i) =>
    typeof u === 'string' ? [] : [{ field: `uris[${i}]`, message: 'must be a string' }],
  );
  if (bad.length > 0) throw validationError(bad);
  const results = (uris as string[]).map((uri) => {
    const problem = datasetProblem(ctx.tenant, uri);
    return { uri, ok: problem === null, message: problem ?? 'readable' };
  });
  return { status: 200, data: { results } };
}

/** GET /data/cache: the caller's tenant's datasets staged on the cluster. */
export function getDataCache(ctx: HandlerContext): JsonReply {
  return { status: 200, data: { entries: cacheEntries(ctx.store, ctx.tenant, ctx.now) } };
}
