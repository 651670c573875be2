import { describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { dataOf, useStack } from './support/stack.js';

const Scores = graphql(`
  query ShapeScores {
    evaluations(first: 100) {
      edges {
        node {
          evaluationId
          status
          checkpoint { checkpointId }
          createdAt
          benchmarks { name dataset numSamples parameters { key value } status score metrics { name value } }
        }
      }
    }
  }
`);

describe('coordinator version drift', () => {
  const stack = useStack();

  it('answers the same benchmarks for the list, map and legacy result shapes', async () => {
    const answers = [];
    for (const shape of ['list', 'map', 'legacy'] as const) {
      stack.emulator.setResultShape(shape);
      const edges = dataOf(await stack.run(Scores)).evaluations?.edges ?? [];
      expect(edges.some((edge) => edge.node.benchmarks.some((benchmark) => benchmark.score !== null))).toBe(true);
      answers.push(edges.map((edge) => edge.node));
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});
