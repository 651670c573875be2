/** Assembly only: importing the domain modules registers their types on the builder. */
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { type GraphQLSchema, specifiedDirectives } from 'graphql';
import { builder } from './builder.js';
import './training-job.js';
import './checkpoint.js';
import './evaluation.js';
import './benchmark.js';
import './queue.js';
import './job-logs.js';
import './job-metrics.js';
import './scoreboard.js';
import './cluster.js';
import './data.js';
import './viewer.js';
import './training-submission.js';

let schema: GraphQLSchema | undefined;

/** The schema is built once per process: it depends on no configuration. */
export function getSchema(): GraphQLSchema {
  // @defer and @stream are part of the published schema (SDL, introspection, codegen); Yoga's
  // defer-stream plugin delivers them.
  schema ??= builder.toSchema({
    sortSchema: true,
    directives: [...specifiedDirectives, GraphQLDeferDirective, GraphQLStreamDirective],
  });
  return schema;
}
