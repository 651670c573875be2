/**
 * `listing`: over --seed-jobs jobs, `trainingJobs(first: 100)`, a full cursor walk with
 * `first: 50`, and `evaluations(first: 20)` with their benchmarks.
 */
import { type Ctx, type Scenario, withGateway } from '../lib/context.js';
import { AUTH, totalCalls } from '../lib/emulator.js';
import { graphql, graphqlSpec, measureAll, printVariants, probe, type Variant } from '../lib/measure.js';
import { median, round } from '../lib/util.js';

const LIST_QUERY = /* GraphQL */ `query List { trainingJobs(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { node { jobId name status createdAt } } } }`;
const WALK_QUERY = /* GraphQL */ `query Walk($after: String) { trainingJobs(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { jobId name status } } } }`;
const EVALS_QUERY = /* GraphQL */ `query Evals { evaluations(first: 20) { totalCount edges { node { evaluationId status benchmarks { name score } } } } }`;

type WalkPage = { trainingJobs: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: unknown[] } };

async function walk(url: string): Promise<{ afters: Array<string | null>; items: number; ms: number }> {
  const afters: Array<string | null> = [];
  let after: string | null = null;
  let items = 0;
  const started = performance.now();
  for (;;) {
    afters.push(after);
    const page: WalkPage = await graphql<WalkPage>(url, WALK_QUERY, { after });
    items += page.trainingJobs.edges.length;
    if (!page.trainingJobs.pageInfo.hasNextPage) break;
    after = page.trainingJobs.pageInfo.endCursor;
    if (afters.length > 1000) throw new Error('walk does not end');
  }
  return { afters, items, ms: performance.now() - started };
}

async function listing(ctx: Ctx) {
  return withGateway(ctx, ctx.opts.seedJobs, async (emu, gateway) => {
    // Serial walks (one client following endCursor), also recording the cursors for the load run.
    await emu.resetStats();
    const first = await walk(gateway.url);
    const walkCalls = totalCalls(await emu.stats());
    const serial: number[] = [];
    for (let i = 0; i < 3; i++) serial.push((await walk(gateway.url)).ms);
    const url = new URL(gateway.url);
    const headers = { 'content-type': 'application/json', authorization: AUTH };
    const variants: Variant[] = [
      { label: 'first100', sut: gateway, emu, spec: graphqlSpec(gateway.url, LIST_QUERY) },
      {
        label: 'walk50',
        sut: gateway,
        emu,
        spec: {
          url: gateway.url,
          method: 'POST',
          headers,
          // Each connection walks the pages in order, then starts over.
          requests: first.afters.map((after) => ({
            method: 'POST',
            path: url.pathname,
            headers,
            body: JSON.stringify({ query: WALK_QUERY, variables: { after } }),
          })),
          verify: 'graphql',
        },
      },
      { label: 'evaluations20', sut: gateway, emu, spec: graphqlSpec(gateway.url, EVALS_QUERY) },
    ];
    const probes: Record<string, number> = {};
    for (const v of [variants[0], variants[2]]) if (v) probes[v.label] = (await probe(emu, v.spec)).calls;
    const m = await measureAll(ctx, variants);
    const pages = first.afters.length;
    printVariants(ctx, `listing over ${ctx.opts.seedJobs} jobs (CPU ms per request, median [min-max])`, m);
    ctx.print(
      `  full walk with first: 50: ${pages} pages, ${walkCalls} upstream calls, ${round(median(serial), 1)} ms serially`,
    );
    return {
      seed_jobs: ctx.opts.seedJobs,
      first100: { query: LIST_QUERY, upstream_calls: probes.first100, ...m.first100 },
      walk50: {
        query: WALK_QUERY,
        pages,
        items: first.items,
        upstream_calls_per_walk: walkCalls,
        serial_walk_ms: round(median(serial), 1),
        walks_per_s: typeof m.walk50?.rps === 'number' ? round(m.walk50.rps / pages, 1) : null,
        note: 'rps, p50 and p99 are per page request; each connection replays the recorded cursors in order',
        ...m.walk50,
      },
      evaluations20: { query: EVALS_QUERY, upstream_calls: probes.evaluations20, ...m.evaluations20 },
    };
  });
}

export const scenarios: Scenario[] = [
  {
    name: 'listing',
    summary: 'trainingJobs(first: 100), a full first: 50 cursor walk and evaluations(first: 20) over --seed-jobs jobs',
    defaultOrder: 30,
    needsLoadGen: true,
    run: listing,
  },
];
