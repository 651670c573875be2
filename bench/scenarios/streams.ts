/**
 * `streams`: bench/streams.ts is a benchmark of its own (1,000 graphql-ws watchers of one job's
 * logs at 200 lines/s, with a forced upstream reconnect); it is run as is, with the numbers given
 * after the scenario name, and its last stdout line (JSON) is embedded in the report.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Ctx, Scenario } from '../lib/context.js';
import { REPO, track } from '../lib/procs.js';

async function run(ctx: Ctx): Promise<unknown> {
  const { passThrough } = ctx.opts;
  ctx.log(`streams: delegating to bench/streams.ts ${passThrough.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'streams.ts'), ...passThrough], {
    cwd: REPO,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = output.trim().split('\n').at(-1) ?? '';
  const command = `npx tsx bench/streams.ts ${passThrough.join(' ')}`.trim();
  try {
    const parsed = JSON.parse(last) as { streams?: Record<string, unknown>; pinning?: unknown };
    const figures = parsed.streams as
      | {
          watchers: number;
          upstream: { max_open: number; opened: number };
          delivery_ms: { p50: number; p99: number };
          memory: { bytes_per_watcher: number };
          across_forced_reconnect: { lines_lost: number; lines_duplicated: number };
        }
      | undefined;
    if (figures) {
      ctx.print(
        `streams: ${figures.watchers} watchers of one job: upstream connections open at once ${figures.upstream.max_open} ` +
          `(opened ${figures.upstream.opened}, one forced reconnect), delivery p50 ${figures.delivery_ms.p50} ms, ` +
          `p99 ${figures.delivery_ms.p99} ms, ${Math.round(figures.memory.bytes_per_watcher / 1024)} KB per watcher, ` +
          `lost ${figures.across_forced_reconnect.lines_lost}, duplicated ${figures.across_forced_reconnect.lines_duplicated}`,
      );
    }
    return { ...(figures ?? parsed), command, exit_code: code, pinning: parsed.pinning };
  } catch {
    return { command, exit_code: code, output_last_line: last };
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'streams',
    summary: 'watchers of one job’s logs (1000 at 200 lines/s; numbers: watchers lines/s seconds)',
    needsLoadGen: false,
    takesNumbers: true,
    run,
  },
];
