import type { HandlerContext, JsonReply } from '../context.js';
import { datasetProblem } from '../datasets.js';
import { validationError } from '../errors.js';

/** GET /queue: the caller's tenant's PENDING and QUEUED jobs, in queue order. */
export function getQueue(ctx: HandlerContext): JsonReply {
  const queue = ctx.snapshot.queue();
  const byStatus: Record<string, number> = { PENDING: 0, QUEUED: 0 };
  for (const entry of queue) byStatus[entry.state.status] = (byStatus[entry.state.status] ?? 0) + 1;
  return {
    status: 200,
    data: {
      depth: queue.length,
      by_status: byStatus,
      jobs: queue.map((e) => ({ job_id: e.job.jobId, queue_position: e.position, status: e.state.status })),
    },
  };
}

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
