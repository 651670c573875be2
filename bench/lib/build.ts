/**
 * The gateway is benchmarked as `npm start` runs it: built JavaScript from dist/. When a source
 * under src/ is newer than its build (or missing from it), the harness runs `npm run build` first,
 * so a figure never describes stale code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from './procs.js';

function staleSources(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) staleSources(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const built = join(REPO, 'dist', relative(join(REPO, 'src'), path)).replace(/\.ts$/, '.js');
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) out.push(relative(REPO, path));
    }
  }
  return out;
}

export function ensureBuilt(log: (line: string) => void): void {
  const stale = staleSources(join(REPO, 'src'), []);
  if (stale.length === 0) return;
  log(
    `dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}: npm run build`,
  );
  // The build's output goes to stderr: the harness's stdout is the report.
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/** The node flags of `npm start` (package.json), so the gateway runs as production would. */
export function npmStartFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return (pkg.scripts?.start ?? '').split(/\s+/).filter((part) => part.startsWith('--'));
}
