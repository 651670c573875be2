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
  /** The entry script and stylesheet index.html names (the runs list needs only these). */
  entry: { js: string; css: string };
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
    chunkNames: 'chunk-[hash]',
    // Views other than the runs list are separate chunks, loaded when first opened.
    splitting: true,
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
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint !== undefined);
  const js = entry ? basename(entry[0]) : undefined;
  const css = entry?.[1].cssBundle ? basename(entry[1].cssBundle) : undefined;
  if (!js || !css)
    throw new Error(`web build: no entry script and stylesheet among ${outputs.map(([f]) => f).join(', ')}`);
  // The chunks the entry imports statically are fetched alongside it, not after it has parsed.
  const preload = (entry?.[1].imports ?? [])
    .filter((i) => i.kind === 'import-statement')
    .map((i) => `<link rel="modulepreload" href="/assets/${basename(i.path)}" />`)
    .join('\n    ');
  const template = await readFile(join(root, 'index.html'), 'utf8');
  await writeFile(
    join(dir, 'index.html'),
    template.replace('%APP_JS%', js).replace('%APP_CSS%', css).replace('<!-- %PRELOAD% -->', preload),
  );
  const sizes: WebBuild['sizes'] = {};
  for (const name of outputs.map(([file]) => basename(file))) {
    const bytes = await readFile(join(dir, 'assets', name));
    sizes[name] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return { dir, entry: { js, css }, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { dir, sizes } = await buildWeb();
  process.stdout.write(`web: built ${dir} ${JSON.stringify(sizes)}\n`);
}
