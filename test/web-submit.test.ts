/**
 * The submit-training-job form in headless Chromium against a gateway on the emulator: the
 * server's field errors appear beside their fields, and a corrected submission creates a job the
 * user can open.
 */
import { describe, expect, it } from 'vitest';
import { artifactPath, describeBrowser } from './support/browser.js';
import { useWebSession } from './support/web-stack.js';

describeBrowser('runs page: submit a training job', () => {
  const web = useWebSession();

  describe('submit a training job', () => {
    it("shows the server's field errors beside their fields, then submits the corrected job", async () => {
      const page = await web.browser.context.newPage();
      await page.goto(web.gateway.origin);
      await page.getByRole('link', { name: 'New training job' }).first().click();
      const form = page.getByTestId('submit-form');
      await form.waitFor();
      await page.getByLabel('Name').fill('support-lora-v5');
      const source = page.getByLabel('data source 1');
      await source.fill('scaidrive://acme/data/missing/train.jsonl');
      await source.blur();
      await expect.poll(() => page.getByTestId('source-check').textContent()).toContain('object not found');
      await page.getByLabel('GPU count').fill('0');
      await page.getByRole('button', { name: 'Submit training job' }).click();

      const gpuError = page.locator('[data-field-error="resourceConfig.gpuCount"]');
      await expect.poll(() => gpuError.textContent()).toContain('at least 1 GPU');
      await page.screenshot({ path: await artifactPath('submit-errors.png'), fullPage: true });

      await page.getByLabel('GPU count').fill('2');
      await page.getByRole('button', { name: 'Submit training job' }).click();
      // With the GPU count right, the data precheck the server runs names the unreadable source.
      const sourceError = page.locator('[data-field-error="dataConfig.sources.0.path"]');
      await expect.poll(() => sourceError.textContent()).toContain('cannot be read');

      await source.fill('scaidrive://acme/data/helpdesk/train.jsonl');
      await page.getByRole('button', { name: 'Submit training job' }).click();
      const done = page.getByTestId('submitted-job');
      await done.waitFor().catch(async (error) => {
        await page.screenshot({ path: await artifactPath('submit-failed.png'), fullPage: true });
        throw error;
      });
      const jobId = await done.locator('.mono').first().textContent();
      expect(jobId).toMatch(/^job_\w+$/);

      await page.getByRole('link', { name: 'Open the run' }).click();
      await page.getByTestId('run').waitFor();
      await expect.poll(() => page.locator('h1').textContent()).toContain('support-lora-v5');
      expect(page.url()).toContain(`#/runs/${jobId}`);
      await page.close();
    });
  });
});
