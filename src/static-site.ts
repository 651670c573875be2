/**
 * Serves the built runs page (web/dist) at `/`: index.html plus its hashed assets, read into memory
 * once at start. Requests are matched against that fixed set of names, never mapped onto the file
 * system, so no path can reach another file; nothing is loaded from another host (the CSP says so
 * to the browser as well).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Same origin for everything, WebSockets included; no inline script, no framing. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A page of a few files; anything bigger is not what web/build.ts makes. */
const MAX_FILES = 64;
const MAX_TOTAL_BYTES = 16 * 1024 * 1024;

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  headers: Record<string, string>;
  etag: string;
}

export interface StaticSite {
  /** Answers the request if it is for the page or one of its assets; false leaves it to the caller. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

function asset(body: Buffer, contentType: string, cacheControl: string, extra: Record<string, string> = {}): Asset {
  const compressible = /^(text\/|image\/svg)/.test(contentType);
  const gzip = compressible && body.length > 512 ? gzipSync(body, { level: 9 }) : null;
  return {
    body,
    gzip: gzip && gzip.length < body.length ? gzip : null,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    headers: { ...COMMON_HEADERS, 'content-type': contentType, 'cache-control': cacheControl, ...extra },
  };
}

/** `gzip` listed in Accept-Encoding without `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Loads a built page from `dir` (index.html and assets/); null when it has not been built, so
 * the gateway still serves GraphQL and says how to build the page.
 */
export async function loadStaticSite(dir: string): Promise<StaticSite | null> {
  let index: Buffer;
  try {
    index = await readFile(join(dir, 'index.html'));
  } catch {
    return null;
  }
  const files = new Map<string, Asset>();
  // The document names the current hashed assets, so browsers must revalidate it every time.
  files.set('/', asset(index, CONTENT_TYPES['.html'] as string, 'no-cache', { 'content-security-policy': CSP }));
  let total = index.length;
  const names = await readdir(join(dir, 'assets')).catch(() => [] as string[]);
  for (const name of names.slice(0, MAX_FILES)) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) continue;
    const body = await readFile(join(dir, 'assets', name));
    total += body.length;
    if (total > MAX_TOTAL_BYTES) throw new Error(`static site in ${dir} is over ${MAX_TOTAL_BYTES} bytes`);
    // Names carry a content hash (web/build.ts): a changed file is a new URL.
    files.set(`/assets/${name}`, asset(body, type, 'public, max-age=31536000, immutable'));
  }

  return {
    handle(req, res, path) {
      const file = files.get(path === '/index.html' ? '/' : path);
      if (!file) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res
          .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
          .end('Method not allowed');
        return true;
      }
      const headers: Record<string, string> = { ...file.headers, etag: file.etag };
      if (file.gzip) headers.vary = 'accept-encoding';
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, headers).end();
        return true;
      }
      const gzip = file.gzip && acceptsGzip(req.headers['accept-encoding']);
      const body = gzip ? (file.gzip as Buffer) : file.body;
      if (gzip) headers['content-encoding'] = 'gzip';
      headers['content-length'] = String(body.length);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
