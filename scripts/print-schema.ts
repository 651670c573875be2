// Rewrites schema/schema.graphql from the code. The schema test fails until this has been run and
// the result committed, so every schema change is reviewed as SDL.
import { writeFileSync } from 'node:fs';
import { printGatewaySchema } from '../src/schema/print.js';

const target = new URL('../schema/schema.graphql', import.meta.url);
writeFileSync(target, printGatewaySchema());
process.stdout.write(`wrote ${target.pathname}\n`);
