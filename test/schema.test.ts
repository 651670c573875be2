import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../src/schema/print.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` and review the diff)', () => {
    const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printGatewaySchema()).toBe(committed);
  });

  it('gives every node type an opaque global id and keeps raw coordinator ids as their own fields', () => {
    const sdl = printGatewaySchema();
    expect(sdl).toMatch(/type TrainingJob implements Node \{[^}]*\bjobId: String!/s);
    expect(sdl).toMatch(/type Evaluation implements Node \{[^}]*\bevaluationId: String!/s);
    expect(sdl).toMatch(/type Checkpoint implements Node \{[^}]*\bcheckpointId: String!/s);
  });
});
