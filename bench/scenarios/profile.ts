/**
 * `npm run bench -- profile [--profile-query nested]`: the overhead (or nested) load against a gateway started with
 * `node --cpu-prof dist/main.js` (as `npm start`), then the top self-time functions of the load window
 * (start-up and shutdown left out). The profile file is kept and its path reported.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { type CpuProfile, formatSummary, summariseProfile } from '../cpuprofile-top.js';
import type { Ctx, Scenario } from '../lib/context.js';
import { AUTH, type Emu } from '../lib/emulator.js';
import type { Proc } from '../lib/procs.js';
import { round } from '../lib/util.js';
import { enrich, NESTED_QUERY } from './nested.js';
import { OVERHEAD_QUERY } from './overhead.js';

/** Seeds what the query needs; returns the operation to load the gateway with. */
async function prepare(
  ctx: Ctx,
  emu: Emu,
): Promise<{ name: string; query: string; variables?: Record<string, unknown> }> {
  if (ctx.opts.profileQuery === 'nested') {
    if (ctx.opts.enrich) await enrich(emu);
    return { name: 'nested', query: NESTED_QUERY };
  }
  const { jobs } = await emu.rest<{ jobs: Array<{ job_id: string }> }>('GET', '/jobs?page_size=1&status=COMPLETED');
  return { name: 'overhead', query: OVERHEAD_QUERY, variables: { id: jobs[0]?.job_id } };
}

async function profile(ctx: Ctx) {
  const dir = mkdtempSync(join(os.tmpdir(), 'scaimind-cpuprof-'));
  const emu = await ctx.startEmulator(0, null);
  let gateway: Proc | undefined;
  try {
    const operation = await prepare(ctx, emu);
    const spawned = performance.now();
    gateway = await ctx.startGateway(emu, { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir] });
    const spec = {
      url: gateway.url,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: AUTH },
      body: JSON.stringify({ query: operation.query, variables: operation.variables }),
      verify: 'graphql' as const,
      connections: ctx.opts.connections,
    };
    ctx.log(
      `profile (${operation.name} query): warm-up ${ctx.opts.warmupS} s, then ${ctx.opts.profileSeconds} s under load`,
    );
    if (ctx.opts.warmupS > 0) await ctx.loadgen.run({ ...spec, durationS: ctx.opts.warmupS });
    // The profile clock starts when the gateway process starts, a few ms after `spawned`.
    const fromMs = performance.now() - spawned + 250;
    const load = await ctx.loadgen.run({ ...spec, durationS: ctx.opts.profileSeconds });
    const toMs = performance.now() - spawned - 250;
    await gateway.stop();
    gateway = undefined;
    // One file per thread: the main thread's is thread 0.
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    const file = files.find((f) => /\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
    if (!file) throw new Error(`no .cpuprofile written to ${dir}`);
    const path = join(dir, file);
    const summary = summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, { top: 25, fromMs, toMs });
    process.stderr.write(`${formatSummary(summary)}\n`);
    ctx.print(
      `profile (${operation.name} query): ${path} (${Math.round(load.rps)} req/s under load; summary on stderr)`,
    );
    return {
      operation: operation.name,
      query: operation.query,
      file: path,
      command: `node --cpu-prof --cpu-prof-dir ${dir} dist/main.js (COORDINATOR_URL=<emulator>, NODE_ENV=production)`,
      load: { rps: round(load.rps), p50_ms: load.p50Ms, p99_ms: load.p99Ms, failed: load.requests - load.good },
      ...summary,
    };
  } finally {
    await gateway?.stop();
    await emu.proc.stop();
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'profile',
    summary: 'CPU profile of the gateway under the overhead (or --profile-query nested) load',
    needsLoadGen: true,
    run: profile,
  },
];
