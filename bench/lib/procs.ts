/**
 * Child processes of the benchmark: started with `node --import tsx` directly (never via npx, so
 * the pid we hold is the process doing the work), optionally pinned to one core with `taskset`,
 * their CPU time read from /proc, and always stopped: by `stop()`, by the exit hook below, or by
 * the watchdog preloaded into each of them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WATCHDOG = fileURLToPath(new URL('./watchdog.mjs', import.meta.url));

/** Clock ticks per second of /proc/<pid>/stat utime and stime. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function tasksetAvailable(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of a running process to `cpus` (e.g. "0" or "0,1"); false when that failed. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The CPUs a process may run on, as the kernel reports it (e.g. "1"); null if unreadable. */
export function affinityOf(pid: number): string | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** User + system CPU time of a whole process (all threads) in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

const running = new Set<ChildProcess>();

/** Busy CPU time (user, nice, system, irq, softirq, steal) in ms: whole machine and per core, from /proc/stat. */
export function machineBusyMs(): { total: number; perCore: number[] } {
  try {
    const out = { total: 0, perCore: [] as number[] };
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^cpu(\d*)\s+(.*)$/.exec(line);
      if (!match) continue;
      const [user, nice, system, , , irq, softirq, steal] = (match[2] ?? '').split(/\s+/).map(Number);
      const ms =
        (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) / CLK_TCK;
      if (match[1] === '') out.total = ms;
      else out.perCore[Number(match[1])] = ms;
    }
    return out;
  } catch {
    return { total: Number.NaN, perCore: [] };
  }
}

/** CPU time of this harness and every child it is running, in ms. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  let total = (usage.user + usage.system) / 1000;
  for (const child of running) if (child.pid !== undefined) total += cpuMs(child.pid) || 0;
  return total;
}

export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The first capture group of the ready pattern (usually the URL it listens on). */
  readonly url: string;
  /** Lines printed to stdout/stderr so far (count) and the last ones (for error reports). */
  lineCount(): number;
  tail(): string[];
  exited(): boolean;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Script path relative to the repository root, e.g. `src/main.ts` (run with tsx) or `dist/main.js`. */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** CPU list for taskset (e.g. "1"); null runs unpinned. */
  cpus: string | null;
  /** First stdout/stderr line matching this resolves the spawn; its group 1 becomes `url`. */
  ready: RegExp;
  nodeFlags?: string[];
  ipc?: boolean;
  startTimeoutMs?: number;
}

function killAllSync(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAllSync();
    process.exit(130);
  });
}

export function spawnNode(name: string, options: SpawnOptions): Promise<Proc> {
  const nodeArgs = [
    ...(options.nodeFlags ?? []),
    // TypeScript sources through tsx; built JavaScript (dist/) as is.
    ...(/\.[cm]?ts$/.test(options.script) ? ['--import', 'tsx'] : []),
    '--import',
    WATCHDOG,
    options.script,
    ...(options.args ?? []),
  ];
  const [command, args] =
    options.cpus === null
      ? [process.execPath, nodeArgs]
      : // taskset execs node in place, so the pid is node's and every thread inherits the mask.
        ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]];
  const child = spawn(command as string, args as string[], {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  running.add(child);
  const lines: string[] = [];
  let count = 0;
  let exitedFlag = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedFlag = true;
      running.delete(child);
      resolve();
    });
  });

  return new Promise<Proc>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${lines.join('\n')}`));
    }, options.startTimeoutMs ?? 30_000);

    const proc: Proc = {
      name,
      pid: child.pid ?? -1,
      child,
      url: '',
      lineCount: () => count,
      tail: () => lines.slice(),
      exited: () => exitedFlag,
      async stop() {
        if (exitedFlag) return;
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exitPromise;
        clearTimeout(forced);
      },
    };

    const onLine = (line: string) => {
      count++;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      if (settled) return;
      const match = options.ready.exec(line);
      if (match) {
        settled = true;
        clearTimeout(timer);
        resolve({ ...proc, url: match[1] ?? '' });
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${name} exited early (code ${code}, signal ${signal}):\n${lines.join('\n')}`));
    });
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Registers a child started elsewhere so that it is killed with the others when the harness exits. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}
