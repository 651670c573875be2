/**
 * `fanout`, `fanout-redis`: bench/fanout.ts is a benchmark of its own (it drives thousands of
 * WebSockets and a probe inside the gateway); it is run as is, with the numbers given after the
 * scenario name and BENCH_SCENARIO set, and its last stdout line (JSON) is embedded in the report.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx, Scenario } from '../lib/context.js';
import { fileExists, REPO, track } from '../lib/procs.js';

async function delegate(ctx: Ctx, scenario: string): Promise<unknown> {
  const { passThrough } = ctx.opts;
  const script = join(REPO, 'bench', 'fanout.ts');
  if (!fileExists(script)) {
    const message = `${scenario}: not available (bench/fanout.ts does not exist)`;
    process.stdout.write(`${message}\n`);
    return { available: false, note: message };
  }
  if (scenario === 'fanout-redis' && !/redis/i.test(readFileSync(script, 'utf8'))) {
    const message = 'fanout-redis: not available (bench/fanout.ts has no Redis mode yet)';
    process.stdout.write(`${message}\n`);
    return { available: false, note: message };
  }
  ctx.log(`${scenario}: delegating to bench/fanout.ts ${passThrough.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...passThrough], {
    cwd: REPO,
    env: { ...process.env, BENCH_SCENARIO: scenario },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(child);
  let last = '';
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) last = line;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (buffer.trim()) last = buffer;
  const command = `npx tsx bench/fanout.ts ${passThrough.join(' ')}`.trim();
  try {
    const parsed = JSON.parse(last) as Record<string, unknown>;
    const own = parsed[scenario.replace('-', '_')];
    printSummary(ctx, scenario, own as Figures | undefined);
    return {
      ...(typeof own === 'object' && own !== null ? own : parsed),
      command,
      exit_code: code,
      pinning: parsed.pinning,
    };
  } catch {
    return { command, exit_code: code, output_last_line: last };
  }
}

interface Figures {
  subscribers?: number;
  polls_per_interval?: number | null;
  delivery_p50_ms?: number | null;
  delivery_p99_ms?: number | null;
  bytes_per_subscriber?: number | null;
  detail?: {
    memory?: {
      rss_per_subscriber_marginal?: number;
      heap_per_subscriber?: number;
      new_space_growth_mb?: number;
    } | null;
  };
  many?: { resources?: number; delivery_p99_ms?: number | null; polls_per_interval_per_resource?: number | null };
}

/** Issue 16: at most 40 KB of gateway memory per subscriber at 2,000 subscribers. */
const TARGET_KB_PER_SUBSCRIBER = 40;

function printSummary(ctx: Ctx, scenario: string, f: Figures | undefined): void {
  if (!f) return;
  ctx.print(
    `${scenario}: ${f.subscribers} subscribers on one evaluation: delivery p50 ${f.delivery_p50_ms} ms, p99 ${f.delivery_p99_ms} ms, ` +
      `${f.polls_per_interval} polls per interval`,
  );
  if (typeof f.bytes_per_subscriber === 'number') {
    const kb = f.bytes_per_subscriber / 1024;
    const memory = f.detail?.memory;
    const marginal = memory?.rss_per_subscriber_marginal;
    const heap = memory?.heap_per_subscriber;
    ctx.print(
      `  memory per subscriber: ${kb.toFixed(1)} KB RSS (target ≤ ${TARGET_KB_PER_SUBSCRIBER} KB: ${kb <= TARGET_KB_PER_SUBSCRIBER ? 'met' : 'missed'})` +
        (typeof marginal === 'number' ? `, second 1,000: ${(marginal / 1024).toFixed(1)} KB` : '') +
        (typeof heap === 'number' ? `, heap ${(heap / 1024).toFixed(1)} KB` : '') +
        `, of which V8's young generation growing to its cap: ${memory?.new_space_growth_mb ?? '?'} MB`,
    );
  }
  if (f.many) {
    ctx.print(
      `  ${f.many.resources} evaluations × 10 subscribers: delivery p99 ${f.many.delivery_p99_ms} ms, ` +
        `${f.many.polls_per_interval_per_resource} polls per interval per evaluation`,
    );
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'fanout',
    summary: 'bench/fanout.ts: 2,000 graphql-ws subscribers on one gateway (delivery, polls, memory per subscriber)',
    defaultOrder: 60,
    needsLoadGen: false,
    takesNumbers: true,
    run: (ctx) => delegate(ctx, 'fanout'),
  },
  {
    name: 'fanout-redis',
    summary: 'bench/fanout.ts --redis: the same on two gateways sharing Redis',
    needsLoadGen: false,
    takesNumbers: true,
    run: (ctx) => delegate(ctx, 'fanout-redis'),
  },
];
