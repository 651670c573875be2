import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLES } from '../src/graphiql-examples.js';
import { getSchema } from '../src/schema/index.js';
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

  it('offers GraphiQL examples that are valid operations: the nested query, a listing, a mutation, a subscription', () => {
    const document = parse(GRAPHIQL_EXAMPLES);
    expect(validate(getSchema(), document)).toEqual([]);
    const kinds = document.definitions.map((definition) => ('operation' in definition ? definition.operation : null));
    expect(kinds).toEqual(['query', 'query', 'mutation', 'mutation', 'query', 'subscription']);
  });
});
