/**
 * `startup`: what `npm start` costs before the first request, built JavaScript (`node
 * dist/main.js`, today's `npm start`) next to the former start that transpiled TypeScript at run
 * time (`node --import tsx src/main.ts`). Both with the node flags of `npm start`, against an
 * emulator in its own process (as against a real coordinator), alternating, --rounds times:
 * time from spawn to the "gateway listening" line, RSS after 2 s at rest, then the time of the
 * first request (cold code paths).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmStartFlags } from '../lib/build.js';
import { type Ctx, type Scenario, stopAll } from '../lib/context.js';
import { AUTH } from '../lib/emulator.js';
import { fmtSpread, spreadBy } from '../lib/measure.js';
import { fileExists, type Proc, REPO, spawnNode } from '../lib/procs.js';
import { sleep } from '../lib/util.js';

const QUERY = /* GraphQL */ `{ trainingJobs(first: 5) { edges { node { name status } } } }`;

function rssMb(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface Sample {
  readyMs: number;
  rssMb: number;
  firstRequestMs: number;
}

async function once(ctx: Ctx, script: string, coordinatorUrl: string): Promise<Sample> {
  const started = performance.now();
  let proc: Proc | undefined;
  try {
    proc = await spawnNode(script.endsWith('.ts') ? 'gateway (tsx)' : 'gateway (built)', {
      script,
      nodeFlags: npmStartFlags(),
      env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', COORDINATOR_URL: coordinatorUrl },
      cpus: ctx.layout.sut,
      ready: /"msg":"gateway listening".*?"url":"([^"]+)"/,
    });
    const readyMs = performance.now() - started;
    await sleep(2000);
    const rss = rssMb(proc.pid);
    const t0 = performance.now();
    const reply = await fetch(proc.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: AUTH },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = await reply.text();
    if (!reply.ok || !body.startsWith('{"data"')) throw new Error(`first request failed: ${reply.status} ${body}`);
    return { readyMs, rssMb: rss, firstRequestMs: performance.now() - t0 };
  } finally {
    await proc?.stop();
  }
}

async function startup(ctx: Ctx) {
  if (!fileExists(join(REPO, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  const emu = await ctx.startEmulator(0, null);
  try {
    const variants = { built: 'dist/main.js', tsx: 'src/main.ts' } as const;
    const samples: Record<keyof typeof variants, Sample[]> = { built: [], tsx: [] };
    for (let i = 0; i < ctx.opts.rounds; i++) {
      for (const [label, script] of Object.entries(variants) as Array<[keyof typeof variants, string]>) {
        const s = await once(ctx, script, emu.baseUrl);
        samples[label].push(s);
        ctx.log(
          `  round ${i + 1}/${ctx.opts.rounds} ${label}: ready ${s.readyMs.toFixed(0)} ms, RSS at rest ${s.rssMb.toFixed(1)} MB, first request ${s.firstRequestMs.toFixed(1)} ms`,
        );
      }
    }
    const figures = (list: Sample[]) => ({
      ready_ms: spreadBy(list, (s) => s.readyMs, 0),
      rss_at_rest_mb: spreadBy(list, (s) => s.rssMb, 1),
      first_request_ms: spreadBy(list, (s) => s.firstRequestMs, 1),
    });
    const result = {
      commands: {
        built: `node ${npmStartFlags().join(' ')} dist/main.js (npm start)`,
        tsx: `node ${npmStartFlags().join(' ')} --import tsx src/main.ts (the former npm start)`,
      },
      built: figures(samples.built),
      tsx: figures(samples.tsx),
    };
    ctx.print('startup: spawn to "gateway listening", RSS after 2 s at rest, first request (median [min-max])');
    for (const label of ['built', 'tsx'] as const) {
      const f = result[label];
      ctx.print(
        `  ${label.padEnd(6)} ready ${fmtSpread(f.ready_ms, ' ms').padEnd(22)} RSS at rest ${fmtSpread(f.rss_at_rest_mb, ' MB').padEnd(24)} first request ${fmtSpread(f.first_request_ms, ' ms')}`,
      );
    }
    return result;
  } finally {
    await stopAll([emu]);
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'startup',
    summary: 'npm start (built JavaScript) vs the former tsx start: time to ready, RSS at rest, first request',
    defaultOrder: 50,
    needsLoadGen: false,
    run: startup,
  },
];
