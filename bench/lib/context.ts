/**
 * What every scenario gets from the harness: the options, where processes run (pinning), the
 * shared load generator and the starters of the processes a scenario measures. Scenarios never
 * parse arguments nor decide placement themselves, so a new scenario is one file in
 * bench/scenarios/ and nothing else.
 */
import os from 'node:os';
import { join } from 'node:path';
import { npmStartFlags } from './build.js';
import { type Emu, emulatorOf } from './emulator.js';
import type { LoadGen } from './load.js';
import { affinityOf, type Proc, pin, spawnNode, tasksetAvailable } from './procs.js';

export interface Options {
  durationS: number;
  rounds: number;
  /** Minimum warm-up per variant; it goes on in 1-s slices until CPU per request settles. */
  warmupS: number;
  /** Maximum warm-up per variant. */
  warmupMaxS: number;
  connections: number;
  /** Upstream latencies (ms) of the one-connection nested runs, besides 0. */
  latencies: number[];
  seedJobs: number;
  profileSeconds: number;
  profileQuery: 'overhead' | 'nested';
  quietWaitS: number;
  noisyRetries: number;
  pin: boolean;
  enrich: boolean;
  /** Measure only these variant labels (--only); null measures all. */
  only: string[] | null;
  /**
   * Another build of the gateway (a dist/ directory inside the repository, e.g. .bench-out/dist-main)
   * measured side by side as variant `baseline` in overhead and nested: before/after in one run.
   */
  baselineDist: string | null;
  /** Extra node flags for the gateway process only. */
  gatewayNodeFlags: string[];
  /** Numbers given after the scenario names, passed on to delegated scripts (bench/fanout.ts). */
  passThrough: string[];
}

export interface Layout {
  /** CPU list of the server under test, or null when unpinned. */
  sut: string | null;
  /** CPU list of the emulator, the load generator and the harness. */
  rest: string | null;
}

export interface StartExtra {
  env?: Record<string, string>;
  nodeFlags?: string[];
  /** Another build's entry point (default dist/main.js). */
  script?: string;
  /** The role in the pinning report and logs (default gateway). */
  role?: string;
}

export interface Ctx {
  readonly opts: Options;
  readonly layout: Layout;
  /** The load generator process; only scenarios declaring `needsLoadGen` may use it. */
  readonly loadgen: LoadGen;
  /** Progress, to stderr. */
  log(line: string): void;
  /** A line of the human-readable results, to stdout (before the final JSON line). */
  print(line: string): void;
  /** Records where a process ended up, for the pinning report. */
  recordAffinity(role: string, pid: number): void;
  startEmulator(latencyMs: number, seedJobs: number | null): Promise<Emu>;
  startGateway(emu: Emu, extra?: StartExtra): Promise<Proc>;
  /** The gateway built from --baseline-dist, or null without that option. */
  startBaseline(emu: Emu): Promise<Proc | null>;
  startProxy(emu: Emu): Promise<Proc>;
  startNaive(emu: Emu): Promise<Proc>;
  /** The peer: Apollo Server 4 with RESTDataSource (bench/apollo-peer.ts). */
  startApollo(emu: Emu): Promise<Proc>;
  /**
   * The gateway and every server it is compared with, on one emulator; each started one is pushed
   * to `started` as soon as it runs, so the caller stops them all even when a later start fails.
   */
  startCompared(emu: Emu, started: Proc[]): Promise<Compared>;
}

export interface Compared {
  gateway: Proc;
  apollo: Proc;
  proxy: Proc;
  naive: Proc;
  /** The build given with --baseline-dist, if any. */
  baseline: Proc | null;
}

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
export const print = (line: string) => process.stdout.write(`${line}\n`);

const baseEnv = { NODE_ENV: 'production' };

export interface Harness {
  ctx(loadgen: LoadGen | null): Ctx;
  layout: Layout;
  pinningReport(): Record<string, unknown>;
}

export function createHarness(opts: Options): Harness {
  const cores = os.cpus().length;
  const tasksetFound = tasksetAvailable();
  const pinningWanted = opts.pin && tasksetFound && cores >= 2;
  const layout: Layout = pinningWanted ? { sut: '1', rest: '0' } : { sut: null, rest: null };
  const harnessPinned = layout.rest !== null && pin(process.pid, layout.rest);
  const observedAffinity: Record<string, string | null> = {};
  const recordAffinity = (role: string, pid: number) => {
    observedAffinity[role] = affinityOf(pid);
  };

  async function startServer(name: string, script: string, env: Record<string, string>, ready: RegExp) {
    const proc = await spawnNode(name, { script, env: { ...baseEnv, ...env }, cpus: layout.sut, ready });
    recordAffinity(name, proc.pid);
    return proc;
  }

  const starters: Omit<Ctx, 'opts' | 'layout' | 'loadgen' | 'log' | 'print' | 'recordAffinity'> = {
    async startEmulator(latencyMs: number, seedJobs: number | null): Promise<Emu> {
      const env: Record<string, string> = {
        ...baseEnv,
        EMULATOR_PORT: '0',
        EMULATOR_SPEED: '0',
        EMULATOR_LATENCY_MS: String(latencyMs),
      };
      if (seedJobs !== null) env.EMULATOR_SEED_JOBS = String(seedJobs);
      const proc = await spawnNode('emulator', {
        script: 'src/main.ts',
        args: ['emulator'],
        env,
        cpus: layout.rest,
        ready: /^ScaiMind emulator:\s+(\S+)/,
      });
      recordAffinity('emulator', proc.pid);
      return emulatorOf(proc, latencyMs, seedJobs ?? 36);
    },
    async startBaseline(emu: Emu): Promise<Proc | null> {
      if (!opts.baselineDist) return null;
      return starters.startGateway(emu, { script: join(opts.baselineDist, 'main.js'), role: 'baseline' });
    },
    async startGateway(emu: Emu, extra: StartExtra = {}): Promise<Proc> {
      const role = extra.role ?? 'gateway';
      const proc = await spawnNode(role, {
        // As `npm start` runs it: built JavaScript with the start script's node flags.
        script: extra.script ?? 'dist/main.js',
        env: { ...baseEnv, HOST: '127.0.0.1', PORT: '0', COORDINATOR_URL: emu.baseUrl, ...extra.env },
        cpus: layout.sut,
        // --gateway-node-flags are for the build under test: the baseline runs as its `npm start` would.
        nodeFlags: [
          ...npmStartFlags(),
          ...(role === 'baseline' ? [] : opts.gatewayNodeFlags),
          ...(extra.nodeFlags ?? []),
        ],
        ready: /"msg":"gateway listening".*?"url":"([^"]+)"/,
      });
      recordAffinity(role, proc.pid);
      return proc;
    },
    startProxy: (emu: Emu) =>
      startServer('proxy', 'bench/proxy.ts', { UPSTREAM_URL: emu.baseUrl }, /^proxy listening (\S+)/),
    startNaive: (emu: Emu) =>
      startServer('naive', 'bench/naive-gateway.ts', { UPSTREAM_URL: emu.baseUrl }, /^naive listening (\S+)/),
    startApollo: (emu: Emu) =>
      startServer('apollo', 'bench/apollo-peer.ts', { UPSTREAM_URL: emu.baseUrl }, /^apollo listening (\S+)/),
    async startCompared(emu: Emu, started: Proc[]): Promise<Compared> {
      const keep = async (proc: Promise<Proc>) => {
        const running = await proc;
        started.push(running);
        return running;
      };
      const [gateway, apollo, proxy, naive] = await Promise.all([
        keep(starters.startGateway(emu)),
        keep(starters.startApollo(emu)),
        keep(starters.startProxy(emu)),
        keep(starters.startNaive(emu)),
      ]);
      const baseline = await starters.startBaseline(emu);
      if (baseline) started.push(baseline);
      return { gateway, apollo, proxy, naive, baseline };
    },
  };

  return {
    layout,
    ctx: (loadgen) => ({
      opts,
      layout,
      get loadgen(): LoadGen {
        if (!loadgen) throw new Error('this scenario did not declare needsLoadGen');
        return loadgen;
      },
      log,
      print,
      recordAffinity,
      ...starters,
    }),
    pinningReport() {
      const expected: Record<string, string> = layout.sut
        ? {
            gateway: layout.sut,
            baseline: layout.sut,
            proxy: layout.sut,
            naive: layout.sut,
            apollo: layout.sut,
            emulator: layout.rest ?? '',
            loadgen: layout.rest ?? '',
            harness: layout.rest ?? '',
          }
        : {};
      const effective =
        layout.sut !== null &&
        harnessPinned &&
        Object.entries(observedAffinity).every(([role, cpus]) => cpus === (expected[role] ?? cpus));
      return {
        taskset_available: tasksetFound,
        requested: opts.pin,
        took_effect: effective,
        layout: layout.sut
          ? `2 cores, 3 processes: the server under test (gateway | apollo | proxy | naive) alone on core ${layout.sut}; ` +
            `emulator + load generator + harness share core ${layout.rest}; for "direct" the emulator is moved to core ${layout.sut} while measured`
          : `unpinned (${!opts.pin ? '--no-pin' : !tasksetFound ? 'taskset not available' : `only ${cores} core(s)`}): the OS schedules all processes`,
        observed_cpus_allowed: { ...observedAffinity, harness: affinityOf(process.pid) },
      };
    },
  };
}

export async function stopAll(procs: Array<Proc | Emu | undefined>): Promise<void> {
  await Promise.all(procs.map((p) => (p === undefined ? undefined : 'stop' in p ? p.stop() : p.proc.stop())));
}

/**
 * An emulator (seeded with `seedJobs`, or its default seed with null) and a gateway over it for
 * `body`; both are stopped afterwards, whatever happens.
 */
export async function withGateway<T>(
  ctx: Ctx,
  seedJobs: number | null,
  body: (emu: Emu, gateway: Proc) => Promise<T>,
): Promise<T> {
  const emu = await ctx.startEmulator(0, seedJobs);
  let gateway: Proc | undefined;
  try {
    gateway = await ctx.startGateway(emu);
    return await body(emu, gateway);
  } finally {
    await stopAll([gateway, emu]);
  }
}

/** What a file in bench/scenarios/ exports (`export const scenarios: Scenario[]`). */
export interface Scenario {
  /** The name given on the command line; also the report's key (with `-` turned into `_`). */
  name: string;
  /** One line for --help. */
  summary: string;
  /** Position in `npm run bench` without names; undefined: only when named. */
  defaultOrder?: number;
  /** Whether the harness must start the load generator process for it. */
  needsLoadGen: boolean;
  /** Whether it takes the numbers given after the scenario names (`opts.passThrough`). */
  takesNumbers?: boolean;
  run(ctx: Ctx): Promise<unknown>;
}
