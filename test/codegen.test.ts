import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen.js';

// The generated folders are not committed: `npm test` regenerates them first. This catches a run of
// vitest alone after a document or the SDL changed, which would otherwise test stale documents.
describe('generated typed documents', () => {
  it('match what codegen makes of the committed schema and the current documents (run `npm run codegen`)', async () => {
    const outputs = await generate({ ...config, silent: true, cwd: process.cwd() }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
    }
  }, 60_000);
});
