/**
 * A run's page in headless Chromium against a gateway on the emulator (frozen clock, advanced by
 * the test): live progress and a chart that gains points while the run trains, checkpoints,
 * evaluations, and the pause / resume / cancel / retry controls.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, describeBrowser } from './support/browser.js';
import { useWebSession } from './support/web-stack.js';

describeBrowser('runs page: one run', () => {
  /** `web.second`: a second emulator for the controls, as the chart test moves the first one's clock on. */
  const web = useWebSession({});

  /** Opens a run from the runs list by its name, as a user would. */
  async function openRun(name: string, origin = web.gateway.origin): Promise<Page> {
    const page = await web.browser.context.newPage();
    await page.goto(origin);
    await page.locator('tbody tr[data-job-id]', { hasText: name }).getByRole('link').click();
    await page.getByTestId('run').waitFor();
    return page;
  }

  const status = (page: Page) => page.locator('h1 [data-testid=status]').textContent();
  const chartPoints = async (page: Page) => Number(await page.getByTestId('metrics-chart').getAttribute('data-points'));

  describe('a training run', () => {
    it('shows its configuration, checkpoints and evaluations, and its chart gains points while it trains', async () => {
      const page = await openRun('support-lora-v4');
      await expect.poll(() => status(page)).toBe('TRAINING');
      expect(page.url()).toMatch(/#\/runs\/job_\w+$/);
      await expect.poll(() => page.locator('[data-testid=checkpoints] tbody tr').count()).toBeGreaterThanOrEqual(2);
      await expect.poll(() => page.locator('[data-testid=evaluations] tbody tr').count()).toBeGreaterThanOrEqual(1);
      await expect.poll(() => page.getByTestId('configuration').textContent()).toContain('Base model');

      // The chart opens with the history (metricHistory), then follows the metrics stream.
      await page.getByTestId('metrics-chart').waitFor();
      await expect.poll(() => chartPoints(page)).toBeGreaterThan(10);
      let before = await chartPoints(page);
      const logLines = () => page.locator('[data-testid=log] > div:not(.dropped)').count();
      await expect.poll(logLines).toBeGreaterThan(0);
      const linesBefore = await logLines();
      // Each simulated minute the run takes more steps; the page hears of each through its
      // subscription, without a reload.
      for (let i = 0; i < 3; i++) {
        web.gateway.emulator.advance(60_000);
        await expect.poll(() => chartPoints(page), { timeout: 15_000 }).toBeGreaterThan(before);
        before = await chartPoints(page);
      }
      // The log tail grew too, live.
      await expect.poll(logLines, { timeout: 15_000 }).toBeGreaterThan(linesBefore);
      // The scoreboard charts the scored checkpoint, with the evaluation behind the point.
      await expect.poll(() => page.locator('[data-testid=scoreboard]').textContent()).toMatch(/eval_\w+/);
      await page.getByTestId('scoreboard-chart').waitFor();
      await page.screenshot({ path: await artifactPath('run-training.png'), fullPage: true });
      await page.close();
    });

    it('pauses, resumes and cancels a run through its controls, and retries the cancelled run', async () => {
      const page = await openRun('sql-assist-rlhf-v2', web.second.origin);
      await expect.poll(() => status(page)).toBe('TRAINING');
      await expect(page.getByRole('button', { name: 'Resume' }).count()).resolves.toBe(0);

      await page.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => status(page)).toBe('PAUSED');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => status(page)).not.toBe('PAUSED');

      await page.getByRole('button', { name: 'Cancel run' }).click();
      await page.getByRole('button', { name: 'Yes, cancel it' }).click();
      await expect.poll(() => status(page)).toBe('CANCELLED');
      await expect(page.getByRole('button', { name: 'Cancel run' }).count()).resolves.toBe(0);

      await page.getByRole('button', { name: 'Retry' }).click();
      await expect.poll(() => status(page)).not.toBe('CANCELLED');
      await page.close();
    });
  });
});
