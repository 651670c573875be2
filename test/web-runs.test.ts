/**
 * The runs page in headless Chromium against a real gateway on the emulator: the list loads,
 * pages, filters and updates live; errors show their code and request id; without the embedded
 * emulator the page asks for a token; and nothing is fetched from another host.
 */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, describeBrowser } from './support/browser.js';
import { EMULATOR_KEYS, useWebSession } from './support/web-stack.js';

describeBrowser('runs page: the list', () => {
  /** `web.second`: the same gateway as with a real coordinator: no default credential. */
  const web = useWebSession({ defaultCredential: false });

  /** The status of a GET whose path is sent exactly as written. */
  function rawStatus(path: string): Promise<number | undefined> {
    const { hostname, port } = new URL(web.gateway.origin);
    return new Promise((resolve, reject) => {
      request({ hostname, port, path }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
  }

  const rows = (page: Page) => page.locator('table[data-testid=runs] tbody tr[data-job-id]');
  const row = (page: Page, name: string) => page.locator('tbody tr[data-job-id]', { hasText: name });

  async function openRuns(path = '/'): Promise<Page> {
    const page = await web.browser.context.newPage();
    await page.goto(`${web.gateway.origin}${path}`);
    return page;
  }

  describe('the gateway serves the page', () => {
    it('at / with safe headers; its hashed assets are cacheable; no path leaves the built set', async () => {
      const index = await fetch(web.gateway.origin);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(index.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await index.text();
      const js = /src="(\/assets\/app-[\w]+\.js)"/.exec(html)?.[1];
      const css = /href="(\/assets\/app-[\w]+\.css)"/.exec(html)?.[1];
      expect(js && css).toBeTruthy();

      const script = await fetch(new URL(js as string, web.gateway.origin), { headers: { 'accept-encoding': 'gzip' } });
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const etag = script.headers.get('etag') as string;
      const again = await fetch(new URL(js as string, web.gateway.origin), { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);

      for (const path of [
        '/assets/../package.json',
        '/assets/%2e%2e/package.json',
        '/assets/',
        '/web/dist/index.html',
      ]) {
        // Sent byte for byte (fetch would resolve the dot segments before sending).
        expect(await rawStatus(path), path).toBe(404);
      }
      const post = await fetch(web.gateway.origin, { method: 'POST' });
      expect(post.status).toBe(405);

      // The compressed size the closing note reports: what the runs list downloads (index.html's
      // script, stylesheet and preloaded chunks), and everything the other views add on first use.
      const initial = [...html.matchAll(/"(\/assets\/[\w.-]+)"/g)].map((m) => m[1] as string);
      const gzipped: Record<string, number> = {};
      for (const path of Object.keys(web.build.sizes).map((name) => `/assets/${name}`)) {
        const { body, encoding } = await new Promise<{ body: Buffer; encoding: string | undefined }>(
          (resolve, reject) => {
            request(new URL(path, web.gateway.origin), { headers: { 'accept-encoding': 'gzip' } }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => resolve({ body: Buffer.concat(chunks), encoding: res.headers['content-encoding'] }));
            })
              .on('error', reject)
              .end();
          },
        );
        // Files under 512 bytes go uncompressed; the rest must arrive gzipped.
        if ((web.build.sizes[path.slice('/assets/'.length)]?.bytes ?? 0) > 512) expect(encoding, path).toBe('gzip');
        if (encoding === 'gzip') gunzipSync(body);
        gzipped[path] = body.length;
      }
      const sum = (paths: string[]) => paths.reduce((total, path) => total + (gzipped[path] ?? 0), 0);
      const all = Object.keys(gzipped);
      console.log(
        `runs page size over the wire (gzip bytes): runs list ${sum(initial)} (${initial.join(', ')}); ` +
          `all views ${sum(all)}; per file ${JSON.stringify(gzipped)}; build ${JSON.stringify(web.build.sizes)}`,
      );
    });
  });

  describe('runs list', () => {
    it('loads, says it uses the development key, and pages through the Relay connection', async () => {
      const started = Date.now();
      const page = await openRuns();
      await rows(page).first().waitFor();
      const measure = () =>
        page.evaluate(() => {
          const rendered = performance.getEntriesByName('runs-list-rendered')[0]?.startTime ?? Number.NaN;
          const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          return { rendered: Math.round(rendered), domContentLoaded: Math.round(entry?.domContentLoadedEventEnd ?? 0) };
        });
      const cold = await measure();
      const coldWall = Date.now() - started;
      // Again with the browser's cache and the gateway warm, as a returning user sees it.
      await page.reload();
      await rows(page).first().waitFor();
      const warm = await measure();
      console.log(
        `first render of the runs list (rows on screen, ms after navigation start): cold ${cold.rendered} ` +
          `(DOMContentLoaded ${cold.domContentLoaded}; ${coldWall} from the test's goto), ` +
          `warm ${warm.rendered} (DOMContentLoaded ${warm.domContentLoaded})`,
      );
      await expect.poll(() => rows(page).count()).toBe(20);
      await expect.poll(() => page.getByTestId('page-range').textContent()).toBe('1–20 of 36');
      await expect.poll(() => page.getByTestId('credential').textContent()).toContain('Embedded emulator');
      await page.screenshot({ path: await artifactPath('runs-list.png'), fullPage: true });

      const firstPage = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id')));
      await page.getByRole('button', { name: 'Next ›' }).click();
      await expect.poll(() => page.getByTestId('page-range').textContent()).toBe('21–36 of 36');
      await expect.poll(() => rows(page).count()).toBe(16);
      const secondPage = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id')));
      expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
      await expect(page.getByRole('button', { name: 'Next ›' }).isDisabled()).resolves.toBe(true);

      await page.getByRole('button', { name: '‹ Previous' }).click();
      await expect.poll(() => page.getByTestId('page-range').textContent()).toBe('1–20 of 36');
      await page.close();
    });

    it('filters by status, and the filter is in the address', async () => {
      const page = await openRuns();
      await rows(page).first().waitFor();
      await page.getByRole('button', { name: 'completed', exact: true }).click();
      await expect.poll(() => page.url()).toContain('status=COMPLETED');
      await expect
        .poll(async () => [
          ...new Set(await page.locator('tbody tr[data-job-id] [data-testid=status]').allTextContents()),
        ])
        .toEqual(['COMPLETED']);
      await page.getByRole('button', { name: 'failed', exact: true }).click();
      await expect
        .poll(async () =>
          [...new Set(await page.locator('tbody tr[data-job-id] [data-testid=status]').allTextContents())].sort(),
        )
        .toEqual(['COMPLETED', 'FAILED']);
      await page.close();
    });

    it('filters by a label clicked on a run, and the filter is in the address', async () => {
      const page = await openRuns();
      await rows(page).first().waitFor();
      const all = await rows(page).count();
      await page.locator('tbody tr[data-job-id] button.label', { hasText: 'team=support' }).first().click();
      await expect.poll(() => decodeURIComponent(page.url())).toContain('label=team=support');
      const labelsOfRows = () =>
        rows(page).evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('button.label')].map((b) => b.textContent)),
        );
      // Only a settled, non-empty list counts: an empty list while the filtered page loads would pass `every`.
      await expect
        .poll(async () => {
          const shown = await labelsOfRows();
          return shown.length > 0 && shown.length < all && shown.every((l) => l.includes('team=support'));
        })
        .toBe(true);
      await page.getByRole('button', { name: 'team=support ×' }).click();
      await expect.poll(() => rows(page).count()).toBe(all);
      await page.close();
    });

    it('shows a run reaching a new status without a reload', async () => {
      const page = await openRuns();
      const training = row(page, 'support-lora-v4');
      await training.waitFor();
      await expect.poll(() => training.getByTestId('status').textContent()).toBe('TRAINING');
      // Days of simulated time: the run finishes training (and everything after it).
      web.gateway.emulator.advance(3 * 24 * 3600_000);
      await expect.poll(() => training.getByTestId('status').textContent(), { timeout: 15_000 }).toBe('COMPLETED');
      await page.close();
    });

    it('shows a failed load with its code and request id', async () => {
      web.gateway.emulator.setFaults([{ route: 'GET /jobs', kind: 'status', status: 503 }]);
      try {
        const page = await openRuns();
        const error = page.getByTestId('error');
        await error.waitFor();
        await expect.poll(() => error.textContent()).toMatch(/UPSTREAM_UNAVAILABLE/);
        await expect.poll(() => error.textContent()).toMatch(/request id [\w-]{8,}/);
        await page.screenshot({ path: await artifactPath('runs-error.png') });
        await page.close();
      } finally {
        web.gateway.emulator.clearFaults();
      }
    });
  });

  describe('with a real coordinator (no default credential)', () => {
    it('asks for a token, keeps it for the tab, and loads the runs with it', async () => {
      {
        const page = await web.browser.context.newPage();
        await page.goto(web.second.origin);
        const form = page.locator('form.token-form');
        await form.waitFor();
        await expect.poll(() => page.getByTestId('error').textContent()).toContain('UNAUTHENTICATED');
        await page.screenshot({ path: await artifactPath('runs-token.png') });
        await form.locator('input').fill(EMULATOR_KEYS.dev);
        await form.getByRole('button', { name: 'Use token' }).click();
        await rows(page).first().waitFor();
        await expect.poll(() => page.getByTestId('credential').textContent()).toContain('Signed in with your token');
        expect(await page.evaluate(() => sessionStorage.getItem('scaimind.token'))).toBe(`Bearer ${EMULATOR_KEYS.dev}`);
        expect(await page.evaluate(() => localStorage.length)).toBe(0);
        await page.close();
      }
    });
  });

  describe('network', () => {
    it('the page asked nothing of any other host, and logged no error', () => {
      expect(web.browser.allowed.length).toBeGreaterThan(0);
      expect(web.browser.blocked).toEqual([]);
      const origins = new Set(web.browser.allowed.map((request) => new URL(request.split(' ')[1] as string).origin));
      expect([...origins].every((origin) => origin === web.gateway.origin || origin === web.second.origin)).toBe(true);
      expect(web.browser.pageErrors).toEqual([]);
    });
  });
});
