import type { RouteDef } from './context.js';
import { drainNode, enableNode, getCluster, getQueue, listNodes } from './handlers/cluster.js';
import { getDataCache, validateData } from './handlers/data.js';
import { getEvaluation, listEvaluations, submitEvaluation } from './handlers/evaluations.js';
import { cancel, getJob, getMetrics, listJobs, pause, resume, retry, submitJob } from './handlers/jobs.js';
import { streamLogs, streamMetrics } from './handlers/streams.js';

/** Reading evaluations is listed under both `view` and `evaluate` [doc]: either permission reads. */
const READ_EVALUATIONS = ['scaimind:view', 'scaimind:evaluate'] as const;

/** Every ScaiMind endpoint, with the permission the contract's table gives it. */
export const ROUTES: readonly RouteDef[] = [
  { method: 'GET', template: '/jobs', permission: 'scaimind:view', kind: 'json', handle: listJobs },
  { method: 'POST', template: '/jobs', permission: 'scaimind:manage', kind: 'json', handle: submitJob },
  { method: 'GET', template: '/jobs/{job_id}', permission: 'scaimind:view', kind: 'json', handle: getJob },
  { method: 'POST', template: '/jobs/{job_id}/cancel', permission: 'scaimind:manage', kind: 'json', handle: cancel },
  { method: 'POST', template: '/jobs/{job_id}/pause', permission: 'scaimind:manage', kind: 'json', handle: pause },
  { method: 'POST', template: '/jobs/{job_id}/resume', permission: 'scaimind:manage', kind: 'json', handle: resume },
  { method: 'POST', template: '/jobs/{job_id}/retry', permission: 'scaimind:manage', kind: 'json', handle: retry },
  { method: 'GET', template: '/jobs/{job_id}/metrics', permission: 'scaimind:view', kind: 'json', handle: getMetrics },
  { method: 'GET', template: '/jobs/{job_id}/logs', permission: 'scaimind:view', kind: 'stream', handle: streamLogs },
  {
    method: 'GET',
    template: '/jobs/{job_id}/metrics/stream',
    permission: 'scaimind:view',
    kind: 'stream',
    handle: streamMetrics,
  },
  { method: 'GET', template: '/queue', permission: 'scaimind:view', kind: 'json', handle: getQueue },
  {
    method: 'POST',
    template: '/evaluations',
    permission: 'scaimind:evaluate',
    kind: 'json',
    handle: submitEvaluation,
  },
  {
    method: 'GET',
    template: '/evaluations',
    permission: READ_EVALUATIONS,
    kind: 'json',
    handle: listEvaluations,
  },
  {
    method: 'GET',
    template: '/evaluations/{evaluation_id}',
    permission: READ_EVALUATIONS,
    kind: 'json',
    handle: getEvaluation,
  },
  { method: 'POST', template: '/data/validate', permission: 'scaimind:manage', kind: 'json', handle: validateData },
  { method: 'GET', template: '/data/cache', permission: 'scaimind:manage', kind: 'json', handle: getDataCache },
  { method: 'GET', template: '/cluster', permission: 'scaimind:view', kind: 'json', handle: getCluster },
  { method: 'GET', template: '/nodes', permission: 'scaimind:view', kind: 'json', handle: listNodes },
  {
    method: 'POST',
    template: '/nodes/{node_id}/drain',
    permission: 'scaimind:cluster_admin',
    kind: 'json',
    handle: drainNode,
  },
  {
    method: 'POST',
    template: '/nodes/{node_id}/enable',
    permission: 'scaimind:cluster_admin',
    kind: 'json',
    handle: enableNode,
  },
];

const compiled = ROUTES.map((route) => ({ route, segments: route.template.split('/').filter(Boolean) }));

export type RouteMatch =
  | { kind: 'found'; route: RouteDef; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

function matchSegments(templateSegments: readonly string[], pathSegments: readonly string[]) {
  if (templateSegments.length !== pathSegments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < templateSegments.length; i++) {
    const t = templateSegments[i] as string;
    const p = pathSegments[i] as string;
    if (t.startsWith('{') && t.endsWith('}')) params[t.slice(1, -1)] = p;
    else if (t !== p) return undefined;
  }
  return params;
}

/** Matches a path relative to the base path (trailing slash tolerated). */
export function matchRoute(method: string, path: string): RouteMatch {
  let pathSegments: string[];
  try {
    pathSegments = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { kind: 'not-found' };
  }
  const allowed: string[] = [];
  for (const { route, segments } of compiled) {
    const params = matchSegments(segments, pathSegments);
    if (params === undefined) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}
