/**
 * `memory`: 100,000 hostile requests within the documented limits (distinct variables, documents,
 * operation names, ids, cursors, idempotency keys, hashes, credentials); RSS and heap after GC
 * against the budget of the README's "Memory bounds". The measurement is bench/memory.ts, run in
 * its own process (it needs --expose-gc); this scenario runs it and reports its JSON.
 */
import { spawn } from 'node:child_process';
import { log, type Scenario } from '../lib/context.js';
import { REPO } from '../lib/procs.js';

export const scenarios: Scenario[] = [
  {
    name: 'memory',
    summary: '100,000 hostile requests; RSS and heap after GC under the stated ceiling (bench/memory.ts)',
    needsLoadGen: false,
    async run() {
      const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory.ts'], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const last = out.trim().split('\n').at(-1) ?? '{}';
      if (code !== 0) log(`memory: over the ceiling or failed (exit ${code})`);
      return JSON.parse(last) as unknown;
    },
  },
];
