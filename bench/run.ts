/**
 * The benchmark CLI: `npm run bench [-- <scenario>...] [--duration 5 --rounds 3 ...]`.
 *
 * Scenarios are the files of bench/scenarios/ (each exports `scenarios: Scenario[]`), found at
 * start-up, so adding one is adding a file. This file only parses options, runs the selected
 * scenarios one after the other and prints the report; how processes are placed and measured is
 * in bench/lib/ (context.ts, measure.ts). See bench/README.md.
 *
 * The first stdout line is the command, the last one JSON document; progress goes to stderr.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ensureBuilt, npmStartFlags } from './lib/build.js';
import { createHarness, log, type Options, type Scenario } from './lib/context.js';
import { type LoadGen, startLoadGen } from './lib/load.js';
import { machine, round } from './lib/util.js';

async function discover(): Promise<Scenario[]> {
  const dir = new URL('./scenarios/', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => /\.[cm]?[tj]s$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const found: Scenario[] = [];
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { scenarios?: Scenario[] };
    found.push(...(mod.scenarios ?? []));
  }
  const names = new Set<string>();
  for (const s of found) {
    if (names.has(s.name)) throw new Error(`scenario "${s.name}" is defined twice in bench/scenarios/`);
    names.add(s.name);
  }
  return found;
}

const all = await discover();
const byName = new Map(all.map((s) => [s.name, s]));
const defaults = all
  .filter((s) => s.defaultOrder !== undefined)
  .sort((a, b) => (a.defaultOrder ?? 0) - (b.defaultOrder ?? 0));

const HELP = `Usage: npm run bench -- [scenario...] [options]

Scenarios (default: ${defaults.map((s) => s.name).join(', ')}; "all" adds the named ones to these):
${all.map((s) => `  ${s.name.padEnd(21)} ${s.summary}`).join('\n')}
Numbers after the scenario names are passed on to the scenarios that take them (fanout: subscribers ...).

Options:
  --duration <s>        measured seconds per round (default 3)
  --rounds <n>          rounds per variant, alternating between variants; median, min and max
                        are reported (default 5)
  --warmup <s>          minimum warm-up per variant; it goes on in 1-s slices until CPU per
                        request settles (last three within 10 %) (default 3)
  --warmup-max <s>      maximum warm-up per variant (default 12)
  --connections <n>     concurrent connections of the load generator (default 32)
  --latencies <ms,...>  upstream latencies of the one-connection nested runs besides 0 (default 5,20)
  --seed-jobs <n>       jobs seeded for the listing scenario (default 1000)
  --profile-seconds <s> load duration of the profile scenario (default 10)
  --profile-query <q>   overhead (default) or nested
  --quiet-wait <s>      before each round, wait up to this long for other processes on the machine
                        to use < 0.15 core (default 1; 0 disables); what they used is reported
  --noisy-retries <n>   re-measure a round during which other processes used > 0.25 core, keeping
                        the quietest attempt (default 0: on a machine that is busy all the time
                        it only doubles the run; rounds alternate and ratios pair them instead)
  --baseline-dist <dir> another build of the gateway (a dist/ copy inside the repository, e.g.
                        .bench-out/dist-main) measured side by side as variant "baseline" in
                        overhead and nested: before/after a change in one run
  --gateway-node-flags <flags>
                        extra node flags for the gateway process only (one argument: --gateway-node-flags=--max-semi-space-size=64)
  --max-minutes <m>     the harness stops (and its processes with it) after this long (default 45)
  --only <labels>       measure only these variants, comma-separated (e.g. gateway,proxy)
  --no-pin              do not pin processes with taskset
  --no-enrich           nested: keep the emulator's seeded evaluations (1 among the first 20 jobs)
                        instead of adding up to 5 per job
  -h, --help`;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'warmup-max': { type: 'string', default: '12' },
    connections: { type: 'string', default: '32' },
    latencies: { type: 'string', default: '5,20' },
    'seed-jobs': { type: 'string', default: '1000' },
    'profile-seconds': { type: 'string', default: '10' },
    'profile-query': { type: 'string', default: 'overhead' },
    'quiet-wait': { type: 'string', default: '1' },
    'noisy-retries': { type: 'string', default: '0' },
    only: { type: 'string' },
    'max-minutes': { type: 'string', default: '45' },
    'gateway-node-flags': { type: 'string', default: '' },
    'baseline-dist': { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'no-enrich': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

function positive(name: string, raw: string, integer: boolean, min = 0): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    process.stderr.write(`--${name}: expected ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

/** Numbers after the scenario names go to the scenarios that take them (bench/fanout.ts's positional arguments). */
const passThrough = positionals.filter((p) => /^\d+(\.\d+)?$/.test(p));
const names = positionals.filter((p) => !passThrough.includes(p));

const opts: Options = {
  durationS: positive('duration', flags.duration, false, 1),
  rounds: positive('rounds', flags.rounds, true, 1),
  warmupS: positive('warmup', flags.warmup, true, 0),
  warmupMaxS: positive('warmup-max', flags['warmup-max'], true, 0),
  connections: positive('connections', flags.connections, true, 1),
  latencies: flags.latencies
    .split(',')
    .filter((v) => v.trim() !== '')
    .map((v) => positive('latencies', v.trim(), true, 1)),
  seedJobs: positive('seed-jobs', flags['seed-jobs'], true, 30),
  profileSeconds: positive('profile-seconds', flags['profile-seconds'], false, 1),
  profileQuery: flags['profile-query'] === 'nested' ? 'nested' : 'overhead',
  quietWaitS: positive('quiet-wait', flags['quiet-wait'], false, 0),
  noisyRetries: positive('noisy-retries', flags['noisy-retries'], true, 0),
  pin: !flags['no-pin'],
  enrich: !flags['no-enrich'],
  only: flags.only ? flags.only.split(',').map((label) => label.trim()) : null,
  baselineDist: flags['baseline-dist'] ?? null,
  gatewayNodeFlags: (flags['gateway-node-flags'] ?? '').split(/\s+/).filter(Boolean),
  passThrough,
};

const unknown = names.filter((p) => p !== 'all' && !byName.has(p));
if (unknown.length) {
  process.stderr.write(`Unknown scenario(s): ${unknown.join(', ')}\n\n${HELP}\n`);
  process.exit(2);
}
const selected: Scenario[] =
  names.length === 0 || names.includes('all')
    ? [...new Set([...defaults, ...names.filter((n) => n !== 'all').map((n) => byName.get(n) as Scenario)])]
    : [...new Set(names.map((n) => byName.get(n) as Scenario))];
if (passThrough.length && !selected.some((s) => s.takesNumbers)) {
  const takers = all.filter((s) => s.takesNumbers).map((s) => s.name);
  process.stderr.write(`Numeric arguments (${passThrough.join(' ')}) are only for ${takers.join(' / ')}\n`);
  process.exit(2);
}

const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
    : `npx tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();

// Bounded whatever happens: the exit hook in lib/procs.ts kills every child on the way out.
const maxMinutes = positive('max-minutes', flags['max-minutes'] ?? '45', false, 1);
// Every process started from here inherits it: its watchdog outlives no run of the harness.
process.env.BENCH_MAX_SECONDS = String(Math.ceil(maxMinutes * 60) + 30);
setTimeout(() => {
  process.stderr.write(`[bench] stopped after --max-minutes ${maxMinutes}\n`);
  process.exit(3);
}, maxMinutes * 60_000).unref();

async function main(): Promise<void> {
  process.stdout.write(`command: ${command}\n`);
  const started = Date.now();
  ensureBuilt(log);
  const harness = createHarness(opts);
  const machineLine = machine();
  process.stdout.write(`machine: ${machineLine}\n`);
  const report: Record<string, unknown> = {
    machine: machineLine,
    command,
    settings: {
      duration_s: opts.durationS,
      rounds: opts.rounds,
      warmup_s: { min: opts.warmupS, max: opts.warmupMaxS, slice_s: 1, settled_when: 'last three slices within 10 %' },
      connections: opts.connections,
      nested_latency_ms: [0, ...opts.latencies],
      quiet_wait_s: opts.quietWaitS,
      noisy_retries: opts.noisyRetries,
      listing_seed_jobs: opts.seedJobs,
      emulator_speed: 0,
      node_env: 'production',
      gateway: `node ${[...npmStartFlags(), ...opts.gatewayNodeFlags].join(' ')} dist/main.js (as npm start; rebuilt first when src/ is newer)`,
      gateway_log_level: 'info (default)',
      load_generator: 'autocannon 9.0.0 (one process, pipelining 1)',
      cpu_per_request:
        '(utime+stime of the server process from /proc/<pid>/stat) ÷ (completed requests + connections ÷ 2 in flight at the end)',
      ratios: 'per round (round i of each variant measured back to back), then median [min-max] over rounds',
    },
  };
  let failed = false;
  let loadgen: LoadGen | null = null;
  if (selected.some((s) => s.needsLoadGen)) {
    loadgen = await startLoadGen(harness.layout.rest);
    harness.ctx(null).recordAffinity('loadgen', loadgen.proc.pid);
  }
  const ctx = harness.ctx(loadgen);
  try {
    for (const scenario of selected) {
      log(`scenario ${scenario.name}`);
      // fanout.ts reports under "fanout" / "fanout_redis": keys use `_`.
      const key = scenario.name.replace(/-/g, '_');
      try {
        process.stdout.write('\n');
        report[key] = await scenario.run(ctx);
      } catch (error) {
        failed = true;
        log(
          `scenario ${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        report[key] = { error: error instanceof Error ? error.message : String(error) };
      }
    }
  } finally {
    await loadgen?.stop();
  }
  report.pinning = harness.pinningReport();
  report.elapsed_s = round((Date.now() - started) / 1000, 1);
  process.stdout.write(
    `\nload average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${report.elapsed_s} s\n`,
  );
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = failed ? 1 : 0;
}

await main();
