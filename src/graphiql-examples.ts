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

# Submit a training job. Checked before it is sent (data sources validated in one call, GPU type
# against the cluster); the idempotencyKey makes a retry safe, even after a lost reply.
mutation SubmitTrainingJob {
  submitTrainingJob(
    input: {
      name: "support-lora-v5"
      trainingConfig: {
        trainingType: LORA
        baseModel: { modelId: "meta-llama/Llama-3.1-8B" }
        framework: { type: HF_TRAINER }
        hyperparameters: [{ key: "learning_rate", value: "2e-4" }, { key: "lora_r", value: "16" }]
        priority: 5
        maxRetries: 2
      }
      dataConfig: { sources: [{ path: "scaidrive://acme/data/support/train.jsonl" }], maxSeqLength: 4096 }
      resourceConfig: { gpuCount: 8, gpuType: "H100" }
      labels: [{ key: "team", value: "support" }]
      idempotencyKey: "graphiql-example-training-1"
    }
  ) {
    trainingJob { id jobId status queuePosition }
    estimatedWaitSeconds
    userErrors { field message code }
    warnings { field message }
  }
}

# What runs where, and what waits: the cluster, its nodes and the shared queue.
query ClusterAndQueue {
  cluster {
    status
    utilization
    gpuTypes { gpuType total inUse available }
    nodes { nodeId status gpuType gpusInUse runningJobs { name } }
  }
  queue {
    depth
    entries(first: 10) {
      position
      type
      workload { __typename ... on TrainingJob { name } ... on Evaluation { evaluationId } }
    }
  }
  viewer { rateLimit { limit remaining resetAt } }
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
