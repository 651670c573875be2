/**
 * The evaluate form in headless Chromium against a gateway on the emulator: the server's field
 * errors appear beside the fields they name, and a submitted evaluation is followed on screen
 * until its scores land, without a reload.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, describeBrowser } from './support/browser.js';
import { useWebSession } from './support/web-stack.js';

describeBrowser('runs page: evaluate', () => {
  const web = useWebSession();

  /** From the runs list to the run, then its Evaluate button, as a user would. */
  async function openEvaluate(name: string, status: string): Promise<Page> {
    const page = await web.browser.context.newPage();
    await page.goto(`${web.gateway.origin}#/?status=${status}`);
    await page.locator('tbody tr[data-job-id]', { hasText: name }).getByRole('link').click();
    await page.getByTestId('run').waitFor();
    await page.getByRole('link', { name: 'Evaluate', exact: true }).first().click();
    await page.getByTestId('evaluate-form').waitFor();
    return page;
  }

  describe('evaluate form', () => {
    it("shows the server's field errors beside the fields they name", async () => {
      const page = await openEvaluate('support-lora-v4', 'TRAINING');
      // A TRAINING run: the form offers its latest checkpoint; ask for the final model instead.
      await page.getByLabel('final model').check();
      await page.getByRole('button', { name: 'Add a custom benchmark' }).click();
      await page.getByLabel('custom benchmark name').fill('custom-support');
      await page.getByLabel('custom benchmark dataset').fill('scaidrive://acme/eval/missing/testset.jsonl');
      await page.getByLabel('custom benchmark dataset').blur();
      // The precheck (validateDataSources) answers before anything is submitted.
      await expect.poll(() => page.getByTestId('dataset-check').textContent()).toContain('object not found');

      await page.getByRole('button', { name: 'Submit evaluation' }).click();
      const targetError = page.locator('[data-field=target] .field-error');
      await expect.poll(() => targetError.textContent()).toMatch(/final model: .*evaluate it once COMPLETED/);
      // Unticking the final model leaves the checkpoint: now the dataset is the problem, beside its field.
      await page.getByLabel('final model').uncheck();
      await page.getByRole('button', { name: 'Submit evaluation' }).click();
      const datasetError = page.locator('[data-field^="custom:"] [data-field-error$=":dataset"]');
      await expect.poll(() => datasetError.textContent()).toContain('cannot be read');
      await expect(page.getByTestId('submitted').count()).resolves.toBe(0);
      await page.screenshot({ path: await artifactPath('evaluate-errors.png'), fullPage: true });
      await page.close();
    });

    it('submits an evaluation that appears and reaches COMPLETED on screen without a reload', async () => {
      const page = await openEvaluate('support-lora-v3', 'COMPLETED');
      await page.getByLabel('gsm8k', { exact: true }).check();
      await page.getByLabel('gsm8k samples').fill('200');
      await page.getByRole('button', { name: 'Submit evaluation' }).click();
      const row = page.locator('[data-testid=submitted] tbody tr[data-evaluation-id]');
      await row.waitFor();
      const status = () => row.getByTestId('status').textContent();
      await expect.poll(status).not.toBe('COMPLETED');
      await page.screenshot({ path: await artifactPath('evaluate-submitted.png'), fullPage: true });

      const url = page.url();
      // Half an hour of simulated time: queued, scheduled, evaluated, scored.
      web.gateway.emulator.advance(30 * 60_000);
      await expect.poll(status, { timeout: 15_000 }).toBe('COMPLETED');
      await expect.poll(() => row.locator('[data-benchmark=mmlu] .score').textContent()).toMatch(/^0\.\d{3}$/);
      await expect.poll(() => row.locator('[data-benchmark=gsm8k] .score').textContent()).toMatch(/^0\.\d{3}$/);
      expect(page.url()).toBe(url);
      await page.screenshot({ path: await artifactPath('evaluate-completed.png'), fullPage: true });
      await page.close();
    });
  });
});
