/**
 * Preloaded (`node --import ./bench/lib/watchdog.mjs ...`) into every process the benchmark
 * starts, so none can outlive the harness: it exits when its parent goes away (the harness was
 * killed) or after BENCH_MAX_SECONDS, whichever comes first. Plain JavaScript, so that it also
 * loads into a process running built code without tsx. Both timers are unref'd,
 * so they never keep a process alive and cost one check per half second.
 *
 * It exits with `process.exit()`, which still writes a `--cpu-prof` profile.
 */
const parent = process.ppid;
const maxSeconds = Number(process.env.BENCH_MAX_SECONDS ?? '900');

setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();

if (Number.isFinite(maxSeconds) && maxSeconds > 0) {
  setTimeout(() => {
    process.stderr.write(`[bench watchdog] pid ${process.pid} ran past BENCH_MAX_SECONDS=${maxSeconds}; exiting\n`);
    process.exit(0);
  }, maxSeconds * 1000).unref();
}
