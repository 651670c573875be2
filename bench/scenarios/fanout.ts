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

export const scenarios: Scenario[] = [
  {
    name: 'fanout',
    summary: 'bench/fanout.ts: 2,000 graphql-ws subscribers on one gateway (delivery, polls, memory per subscriber)',
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
