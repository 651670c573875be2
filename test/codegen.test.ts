import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen.js';

describe('test/generated', () => {
  it('matches what codegen makes of the committed schema and the test documents (run `npm run codegen`)', async () => {
    const outputs = await generate({ ...config, silent: true, cwd: process.cwd() }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
    }
  }, 60_000);
});
