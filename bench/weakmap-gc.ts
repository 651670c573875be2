/**
 * `npx tsx bench/weakmap-gc.ts`: what a WeakMap keyed by per-request objects costs V8's
 * young-generation GC (bench/README.md, "The hot path"). Each variant runs 200,000 "requests" in a
 * fresh node process (as `npm start` runs, `--max-semi-space-size=32`): each allocates a key and
 * a value of 200 small objects, and either drops both (`plain`), or also files the value under
 * the key in a long-lived WeakMap (`weakmap`), or does that with a value that references its key
 * (`cycle`: a DataLoader whose batch function closes over its context). It prints the CPU time
 * of the loop and what `--trace-gc-nvp` reports of the scavenges.
 */
import { execFileSync } from 'node:child_process';

const VARIANTS = ['plain', 'weakmap', 'cycle'] as const;

function child(variant: string): void {
  const files = new WeakMap<object, unknown>();
  let sink = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < 200_000; i++) {
    const key = { id: i };
    const value = { items: new Array(200).fill(0).map((_, n) => ({ n })), key: variant === 'cycle' ? key : null };
    if (variant !== 'plain') files.set(key, value);
    sink += value.items.length;
  }
  const used = process.cpuUsage(started);
  process.stdout.write(`cpu_ms=${Math.round((used.user + used.system) / 1000)} sink=${sink}\n`);
}

function scavenges(trace: string): { count: number; meanPauseMs: number; meanPromotedKb: number } {
  const lines = trace.split('\n').filter((line) => line.includes('gc=s '));
  const field = (line: string, name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
  const sum = (name: string) => lines.reduce((total, line) => total + field(line, name), 0);
  const count = lines.length;
  return {
    count,
    meanPauseMs: count ? Math.round((sum('pause') / count) * 100) / 100 : 0,
    meanPromotedKb: count ? Math.round(sum('promoted') / count / 1024) : 0,
  };
}

const variant = process.argv[2];
if (variant !== undefined) {
  child(variant);
} else {
  process.stdout.write(`node ${process.version}\n`);
  for (const name of VARIANTS) {
    const out = execFileSync(
      process.execPath,
      ['--max-semi-space-size=32', '--trace-gc-nvp', '--import', 'tsx', import.meta.filename, name],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    const cpu = /cpu_ms=(\d+)/.exec(out)?.[1];
    const gc = scavenges(out);
    process.stdout.write(
      `${name.padEnd(8)} cpu ${cpu} ms   ${gc.count} scavenges, mean pause ${gc.meanPauseMs} ms, mean promoted ${gc.meanPromotedKb} KB\n`,
    );
  }
}
