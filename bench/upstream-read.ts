/**
 * `npx tsx bench/upstream-read.ts [--calls 30000] [--rounds 5]`: what reading one coordinator
 * reply costs the client, through undici's `request()` and `body.text()` (a Readable stream per
 * body) next to the gateway's `exchange()` (undici's handler API, chunks decoded once;
 * `src/coordinator/whole-reply.ts`). A loopback server in a child process answers every GET with
 * the same JSON (one job, and a listing of 20); this process makes the calls, 32 in flight on a pool
 * of 32 connections, and prints its own CPU time per call, median [min-max] over alternating
 * rounds. Only the client's side of a call is measured: the gateway makes 21 of them for the
 * nested query, and the bare proxy one per request.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { exchange } from '../src/coordinator/whole-reply.js';

function job(i: number) {
  return {
    job_id: `job_${String(i).padStart(8, '0')}`,
    name: `llama-3-8b-finetune-${i}`,
    status: 'RUNNING',
    progress: { current_step: 1200, total_steps: 5000, fraction: 0.24 },
    config: {
      base_model: 'meta-llama/Llama-3-8B',
      dataset_uri: 's3://data/train.jsonl',
      epochs: 3,
      learning_rate: 2e-5,
    },
    labels: { team: 'nlp', project: 'assistant' },
    created_at: '2026-11-01T10:00:00Z',
    started_at: '2026-11-01T10:05:00Z',
    checkpoints: [{ checkpoint_id: 'ckpt_1', step: 1000, created_at: '2026-11-01T11:00:00Z' }],
  };
}

const REPLIES: Record<string, string> = {
  '/job': JSON.stringify({ status: 'ok', data: job(1), meta: { request_id: 'req_1' } }),
  '/listing': JSON.stringify({
    status: 'ok',
    data: { jobs: Array.from({ length: 20 }, (_, i) => job(i)), next_page_token: 'tok' },
    meta: { request_id: 'req_2' },
  }),
};

if (process.argv[2] === 'serve') {
  const server = createServer((req, res) => {
    const body = REPLIES[req.url ?? ''] ?? '{}';
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-request-id': 'req',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
} else {
  const { values } = parseArgs({
    options: { calls: { type: 'string', default: '30000' }, rounds: { type: 'string', default: '5' } },
  });
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  const child = fork(new URL(import.meta.url).pathname, ['serve'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const origin = `http://127.0.0.1:${port}`;
  const pool = new Pool(origin, { connections: 32, pipelining: 1 });
  const headers = { accept: 'application/json', authorization: 'Bearer sgk_bench' };

  const variants: Record<string, (path: string) => Promise<unknown>> = {
    'request + body.text': async (path) => {
      const reply = await pool.request({ origin, path, method: 'GET', headers });
      return JSON.parse(await reply.body.text());
    },
    exchange: async (path) => JSON.parse((await exchange(pool, { origin, path, method: 'GET', headers }).reply).text),
  };

  async function run(call: (path: string) => Promise<unknown>, path: string, n: number): Promise<number> {
    let left = n;
    const started = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (left-- > 0) await call(path);
      }),
    );
    const used = process.cpuUsage(started);
    return (used.user + used.system) / n;
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const path of Object.keys(REPLIES)) {
    const bytes = Buffer.byteLength(REPLIES[path] ?? '');
    for (const call of Object.values(variants)) await run(call, path, calls / 2); // warm-up
    const perCall: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, call] of Object.entries(variants)) perCall[name]?.push(await run(call, path, calls));
    }
    process.stdout.write(
      `${path.slice(1)} (${bytes} bytes), client CPU µs per call, median [min-max] of ${rounds} rounds:\n`,
    );
    for (const [name, xs] of Object.entries(perCall)) {
      const fmt = (x: number) => x.toFixed(1);
      process.stdout.write(
        `  ${name.padEnd(20)} ${fmt(median(xs))} [${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}]\n`,
      );
    }
    const [first, second] = Object.values(perCall);
    process.stdout.write(`  exchange ÷ request: ${(median(second ?? []) / median(first ?? [])).toFixed(3)}×\n`);
  }
  await pool.close();
  child.kill();
}
