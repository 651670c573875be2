/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and aggregates self time by function + URL,
 * inclusive time by function, and self time by package.
 *
 *   npx tsx bench/cpuprofile-top.ts <file.cpuprofile> [--top 25] [--from-ms N] [--to-ms N]
 *
 * `--from-ms`/`--to-ms` keep only samples in that window, measured from the profile's start
 * (e.g. to leave out start-up and shutdown). Prints a table, then one JSON line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Entry {
  function: string;
  where: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  sampled_ms: number;
  window_ms: [number, number];
  top_self: Entry[];
  top_inclusive: Entry[];
  self_by_package: Array<{ package: string; ms: number; pct: number }>;
}

const REPO_URL = new URL('..', import.meta.url).href;

function shortUrl(url: string): string {
  if (!url) return '';
  let out = url.startsWith(REPO_URL) ? url.slice(REPO_URL.length) : url;
  const nm = out.lastIndexOf('node_modules/');
  if (nm >= 0) out = out.slice(nm);
  return out;
}

function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: (core)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? 'node_modules');
  }
  const short = shortUrl(url);
  if (short.startsWith('src/')) return short.split('/').slice(0, 2).join('/');
  return short;
}

function keyOf(frame: CallFrame): { fn: string; where: string } {
  const fn = frame.functionName || '(anonymous)';
  const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
  return { fn, where };
}

export function summariseProfile(
  profile: CpuProfile,
  options: { top?: number; fromMs?: number; toMs?: number } = {},
): ProfileSummary {
  const top = options.top ?? 25;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const from = (options.fromMs ?? 0) * 1000;
  const to = options.toMs === undefined ? Number.POSITIVE_INFINITY : options.toMs * 1000;

  const self = new Map<string, { fn: string; where: string; us: number }>();
  const inclusive = new Map<string, { fn: string; where: string; us: number }>();
  const packages = new Map<string, number>();
  let total = 0;
  let t = 0;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (t < from || t > to) continue;
    // A sample lasts until the next one (as DevTools counts it).
    const us = deltas[i + 1] ?? 0;
    const id = samples[i] as number;
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName;
    if (name === '(idle)') continue;
    total += us;
    const { fn, where } = keyOf(node.callFrame);
    const key = `${fn}\u0000${where}`;
    const entry = self.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    self.set(key, entry);
    const pkg = packageOf(node.callFrame);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const k = keyOf(frame);
      const ik = `${k.fn}\u0000${k.where}`;
      if (seen.has(ik)) continue;
      seen.add(ik);
      const e = inclusive.get(ik) ?? { fn: k.fn, where: k.where, us: 0 };
      e.us += us;
      inclusive.set(ik, e);
    }
  }
  const pct = (us: number) => Math.round((us / Math.max(1, total)) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const toEntries = (map: Map<string, { fn: string; where: string; us: number }>) =>
    [...map.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ function: e.fn, where: e.where, ms: ms(e.us), pct: pct(e.us) }));
  return {
    sampled_ms: ms(total),
    window_ms: [
      options.fromMs ?? 0,
      Number.isFinite(to) ? (options.toMs as number) : (profile.endTime - profile.startTime) / 1000,
    ],
    top_self: toEntries(self),
    top_inclusive: toEntries(inclusive),
    self_by_package: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ package: name, ms: ms(us), pct: pct(us) })),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const lines: string[] = [];
  const table = (title: string, rows: Entry[]) => {
    lines.push(title);
    rows.forEach((row, i) => {
      lines.push(
        `${String(i + 1).padStart(3)}. ${row.pct.toFixed(1).padStart(5)}%  ${row.ms.toFixed(1).padStart(8)} ms  ${row.function}  ${row.where}`,
      );
    });
  };
  lines.push(`sampled CPU time in window: ${summary.sampled_ms} ms (idle excluded)`);
  table(`top ${summary.top_self.length} by self time (function + url):`, summary.top_self);
  table(`top ${summary.top_inclusive.length} by inclusive time:`, summary.top_inclusive);
  lines.push('self time by package:');
  for (const p of summary.self_by_package) {
    lines.push(`     ${p.pct.toFixed(1).padStart(5)}%  ${p.ms.toFixed(1).padStart(8)} ms  ${p.package}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, 'from-ms': { type: 'string' }, 'to-ms': { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write(
      'Usage: npx tsx bench/cpuprofile-top.ts <file.cpuprofile> [--top 25] [--from-ms N] [--to-ms N]\n',
    );
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const options: { top: number; fromMs?: number; toMs?: number } = { top: Number(values.top) };
  if (values['from-ms'] !== undefined) options.fromMs = Number(values['from-ms']);
  if (values['to-ms'] !== undefined) options.toMs = Number(values['to-ms']);
  const summary = summariseProfile(profile, options);
  process.stdout.write(`${formatSummary(summary)}\n${JSON.stringify(summary)}\n`);
}
