/**
 * Memory under hostile request streams: `node --expose-gc --import tsx bench/memory.ts
 * [--requests 100000] [--ceiling-heap-mb 256] [--ceiling-rss-mb 512]`.
 *
 * One gateway (the stack `npm start` runs, in this process, on a loopback port: requests take the
 * same path as in production, the direct JSON POST path included) against the emulator in its own
 * process, fed requests that each stay within the documented limits but are all distinct in what
 * a careless gateway would cache: variables (8 KB each), documents, operation names, ids, cursors,
 * idempotency keys, persisted-operation hashes and credentials. After every slice the heap is
 * collected and RSS and heap are sampled; the run fails (exit 1) when either passes its ceiling.
 * Prints the command on the first line and a JSON report on the last. Also `npm run bench -- memory`.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createGatewayStack } from '../src/stack.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    'ceiling-heap-mb': { type: 'string', default: '256' },
    'ceiling-rss-mb': { type: 'string', default: '512' },
  },
});
const REQUESTS = Number(values.requests);
const CEILING_HEAP_MB = Number(values['ceiling-heap-mb']);
const CEILING_RSS_MB = Number(values['ceiling-rss-mb']);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

process.stdout.write(
  `node --expose-gc --import tsx bench/memory.ts --requests ${REQUESTS} --ceiling-heap-mb ${CEILING_HEAP_MB} --ceiling-rss-mb ${CEILING_RSS_MB}\n`,
);

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DEV_KEY = 'Bearer sgk_dev_acme_4f9c2e7a1b3d5f6081a2c4e6f8091b2d';

/** The emulator in its own process, so that what it stores does not count as the gateway's. */
async function startEmulator(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'emulator'], {
    cwd: REPO,
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_SPEED: '0', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ScaiMind emulator: (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

const QUEUE = '{ queue { depth } }';
const PERSISTED = { [random(32)]: QUEUE };

type Request = { body: Record<string, unknown>; authorization?: string };

/** One hostile request of each kind in turn; each within the documented limits. */
const kinds: Array<(i: number) => Request> = [
  // Distinct variables: 8 KB each, declared (so the cost cache sees them).
  () => ({
    body: {
      query: 'query($n: Int!, $pad: String) { trainingJobs(first: $n) { totalCount } }',
      variables: { n: 1 + Math.floor(Math.random() * 5), pad: random(6_000) },
    },
  }),
  // Distinct documents: the same operation padded with a distinct 2 KB comment.
  () => ({ body: { query: `# ${random(1_500)}\n${QUEUE}` } }),
  // Distinct operation names, in distinct documents and against one multi-operation document.
  (i) =>
    i % 2
      ? { body: { query: `query Op_${random(24).replaceAll('-', '_')} { queue { depth } }` } }
      : {
          body: { query: 'query A { queue { depth } } query B { queue { depth } }', operationName: `X${random(200)}` },
        },
  // Distinct ids: well-formed, unknown upstream.
  () => ({
    body: { query: 'query($id: ID!) { trainingJob(id: $id) { jobId } }', variables: { id: `job_${random(12)}` } },
  }),
  // Distinct cursors: malformed, refused before any call.
  () => ({
    body: {
      query: 'query($c: String) { trainingJobs(first: 2, after: $c) { totalCount } }',
      variables: { c: random(300) },
    },
  }),
  // Distinct idempotency keys: each submits once and is remembered for 24 h.
  () => ({
    body: {
      query:
        'mutation($input: SubmitEvaluationInput!) { submitEvaluation(input: $input) { evaluation { evaluationId } userErrors { code } } }',
      variables: { input: { jobId: COMPLETED_JOB, benchmarks: [{ name: 'arc' }], idempotencyKey: randomUUID() } },
    },
  }),
  // Distinct persisted-operation hashes, none of them listed.
  () => ({ body: { extensions: { persistedQuery: { version: 1, sha256Hash: random(32) } } } }),
  // Distinct credentials (rejected upstream).
  () => ({ body: { query: QUEUE }, authorization: `Bearer sgk_${random(40)}` }),
];

let COMPLETED_JOB = '';

const emulator = await startEmulator();
const jobs = (await (
  await fetch(`${emulator.url}/jobs?status=completed&page_size=1`, { headers: { authorization: DEV_KEY } })
).json()) as { data: { jobs: Array<{ job_id: string }> } };
COMPLETED_JOB = jobs.data.jobs[0]?.job_id ?? '';

const config = defaultConfig({
  coordinatorUrl: emulator.url,
  host: '127.0.0.1',
  port: 0,
  logLevel: 'error',
  metrics: false,
  coordinatorRetries: 1,
});
const stack = await createGatewayStack(config, {
  log: createLogger('error', () => {}),
  defaultCredential: DEV_KEY,
  persistedOperations: PERSISTED,
});
const { url: gatewayUrl } = await stack.listen();

const sample = () => {
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: Math.round(rss / 1048576), heapMb: Math.round(heapUsed / 1048576) };
};

async function send(request: Request): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.authorization) headers.authorization = request.authorization;
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify(request.body),
  });
  await response.arrayBuffer();
  return response.status;
}

const CONCURRENCY = 16;
const SLICES = 10;
const samples: Array<{ requests: number; rssMb: number; heapMb: number }> = [];
const statuses: Record<string, number> = {};
const started = performance.now();
const before = sample();
let sent = 0;
for (let slice = 1; slice <= SLICES; slice++) {
  const until = Math.round((REQUESTS * slice) / SLICES);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < until) {
        const i = sent++;
        const status = await send((kinds[i % kinds.length] as (i: number) => Request)(i));
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  samples.push({ requests: sent, ...sample() });
  process.stderr.write(`[memory] ${sent} requests: ${JSON.stringify(samples.at(-1))}\n`);
}
const seconds = (performance.now() - started) / 1000;
await stack.stop();
emulator.stop();

const peakHeap = Math.max(...samples.map((s) => s.heapMb));
const peakRss = Math.max(...samples.map((s) => s.rssMb));
const ok = peakHeap <= CEILING_HEAP_MB && peakRss <= CEILING_RSS_MB;
process.stdout.write(
  `${JSON.stringify({
    scenario: 'memory',
    requests: sent,
    kinds: kinds.length,
    seconds: Math.round(seconds),
    statuses,
    before,
    samples,
    peak: { heapMb: peakHeap, rssMb: peakRss },
    ceiling: { heapMb: CEILING_HEAP_MB, rssMb: CEILING_RSS_MB },
    ok,
  })}\n`,
);
process.exit(ok ? 0 : 1);
