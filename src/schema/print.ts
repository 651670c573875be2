import { lexicographicSortSchema, printSchema } from 'graphql';
import { getSchema } from './index.js';

/** The reviewed artefact `schema/schema.graphql`: sorted SDL, so diffs show real changes only. */
export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}
