/**
 * A per-second record of one process's CPU time, its main-thread GC pauses by kind and its heap,
 * for finding out what a slow round of the harness was doing (bench/README.md, "The hot path").
 * Preload it into the gateway under test:
 *
 *   npm run bench -- overhead --only gateway,apollo,proxy --rounds 11 \
 *     --gateway-node-flags=--import=./bench/gc-watch.mjs
 *
 * Each gateway process appends to `$GC_WATCH_DIR/gc-watch-<pid>.log` (default: the system's temp
 * directory), one line a second: time, CPU ms, GC ms and counts by kind, heap used/total MB, RSS MB.
 */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';

const file = join(process.env.GC_WATCH_DIR ?? tmpdir(), `gc-watch-${process.pid}.log`);
const KINDS = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
let gc = {};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = KINDS[entry.detail?.kind] ?? String(entry.detail?.kind);
    const seen = gc[kind] ?? { ms: 0, n: 0 };
    seen.ms += entry.duration;
    seen.n += 1;
    gc[kind] = seen;
  }
}).observe({ entryTypes: ['gc'] });

let last = process.cpuUsage();
setInterval(() => {
  const now = process.cpuUsage();
  const cpuMs = (now.user - last.user + now.system - last.system) / 1000;
  last = now;
  const { heapUsed, heapTotal, rss } = process.memoryUsage();
  const mb = (bytes) => Math.round(bytes / 1048576);
  const pauses = Object.entries(gc)
    .map(([kind, { ms, n }]) => `${kind} ${n}× ${Math.round(ms)} ms`)
    .join(', ');
  appendFileSync(
    file,
    `${new Date().toISOString().slice(11, 19)} cpu ${Math.round(cpuMs)} ms  gc [${pauses}]  heap ${mb(heapUsed)}/${mb(heapTotal)} MB  rss ${mb(rss)} MB\n`,
  );
  gc = {};
}, 1000).unref();
