/**
 * The operations GraphiQL opens with. They are also documents for graphql-codegen, so a schema
 * change that breaks an example fails `npm run codegen` and the tests.
 */
export const GRAPHIQL_EXAMPLES = /* GraphQL */ `
# Welcome to the ScaiMind gateway. Pick an operation with the ▶ button.
# Without an Authorization header, the embedded emulator's development key is used.

# One round trip: jobs, their latest evaluations and scores (21 coordinator calls, whatever the nesting).
query JobsWithEvaluations {
  trainingJobs(first: 20) {
    totalCount
    edges {
      node {
        id
        name
        status
        phase
        progress { fraction }
        evaluations(first: 5) {
          edges {
            node {
              status
              job { name }
              benchmarks { name score }
            }
          }
        }
      }
    }
  }
}

# Forward pagination: pass pageInfo.endCursor as $after for the next page.
query ListJobs($after: String) {
  trainingJobs(first: 10, after: $after, filter: { status: [COMPLETED, FAILED] }, orderBy: NAME_ASC) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { jobId name status completedAt checkpoints { checkpointId step } } }
  }
}

# Submit an evaluation: put the jobId of a COMPLETED job from ListJobs into the variables.
# To retry safely, also send an idempotencyKey: a new one per submission, the same one per retry.
mutation SubmitEvaluation($jobId: ID!, $idempotencyKey: String) {
  submitEvaluation(
    input: {
      jobId: $jobId
      benchmarks: [{ name: "mmlu", numSamples: 1000 }, { name: "humaneval" }]
      idempotencyKey: $idempotencyKey
    }
  ) {
    evaluation { id evaluationId status }
    userErrors { field message code }
    warnings { field message }
  }
}

# Live status: the current state at once, then each change, until the evaluation finishes.
# Put the evaluationId from SubmitEvaluation here (or any from the evaluations listing).
subscription WatchEvaluation($id: ID!) {
  evaluationUpdated(id: $id) {
    status
    phase
    benchmarks { name status score }
    job { name }
  }
}
`;
