/**
 * Builds the runs page: one hashed JS and one hashed CSS file under assets/ and the index.html
 * that names them. `npm run build:web` (part of `npm install`) writes web/dist and prints the sizes;
 * the browser tests build into a folder of their own with `buildWeb(dir)`.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));

export interface WebBuild {
  dir: string;
  /** Per asset file name: its size and its size gzipped (level 9). */
  sizes: Record<string, { bytes: number; gzip: number }>;
}

export async function buildWeb(dir = join(root, 'dist')): Promise<WebBuild> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'src/main.tsx')],
    outdir: join(dir, 'assets'),
    entryNames: 'app-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const js = outputs.find((name) => name.endsWith('.js'));
  const css = outputs.find((name) => name.endsWith('.css'));
  if (!js || !css) throw new Error(`web build: expected one .js and one .css output, got ${outputs.join(', ')}`);
  const template = await readFile(join(root, 'index.html'), 'utf8');
  await writeFile(join(dir, 'index.html'), template.replace('%APP_JS%', js).replace('%APP_CSS%', css));
  const sizes: WebBuild['sizes'] = {};
  for (const name of [js, css]) {
    const bytes = await readFile(join(dir, 'assets', name));
    sizes[name] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return { dir, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { dir, sizes } = await buildWeb();
  process.stdout.write(`web: built ${dir} ${JSON.stringify(sizes)}\n`);
}
