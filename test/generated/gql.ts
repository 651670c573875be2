/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n# Welcome to the ScaiMind gateway. Pick an operation with the ▶ button.\n# Without an Authorization header, the embedded emulator's development key is used.\n\n# One round trip: jobs, their latest evaluations and scores (21 coordinator calls, whatever the nesting).\nquery JobsWithEvaluations {\n  trainingJobs(first: 20) {\n    totalCount\n    edges {\n      node {\n        id\n        name\n        status\n        phase\n        progress { fraction }\n        evaluations(first: 5) {\n          edges {\n            node {\n              status\n              job { name }\n              benchmarks { name score }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\n# Forward pagination: pass pageInfo.endCursor as $after for the next page.\nquery ListJobs($after: String) {\n  trainingJobs(first: 10, after: $after, filter: { status: [COMPLETED, FAILED] }, orderBy: NAME_ASC) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { jobId name status completedAt checkpoints { checkpointId step } } }\n  }\n}\n\n# Submit an evaluation: put the jobId of a COMPLETED job from ListJobs into the variables.\n# To retry safely, also send an idempotencyKey: a new one per submission, the same one per retry.\nmutation SubmitEvaluation($jobId: ID!, $idempotencyKey: String) {\n  submitEvaluation(\n    input: {\n      jobId: $jobId\n      benchmarks: [{ name: \"mmlu\", numSamples: 1000 }, { name: \"humaneval\" }]\n      idempotencyKey: $idempotencyKey\n    }\n  ) {\n    evaluation { id evaluationId status }\n    userErrors { field message code }\n    warnings { field message }\n  }\n}\n\n# Live status: the current state at once, then each change, until the evaluation finishes.\n# Put the evaluationId from SubmitEvaluation here (or any from the evaluations listing).\nsubscription WatchEvaluation($id: ID!) {\n  evaluationUpdated(id: $id) {\n    status\n    phase\n    benchmarks { name status score }\n    job { name }\n  }\n}\n": typeof types.JobsWithEvaluationsDocument,
    "\n  query ClientsApqCount {\n    trainingJobs(first: 2) { totalCount edges { node { id name } } }\n  }\n": typeof types.ClientsApqCountDocument,
    "\n    query ClientsJobsThenEvaluations {\n      trainingJobs(first: 4, orderBy: NAME_ASC) {\n        edges {\n          node {\n            jobId\n            name\n            ... @defer(label: \"evaluations\") {\n              evaluations(first: 3) { edges { node { evaluationId status } } }\n            }\n          }\n        }\n      }\n    }\n  ": typeof types.ClientsJobsThenEvaluationsDocument,
    "\n  subscription ClientsWatchEvaluation($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status phase isTerminal }\n  }\n": typeof types.ClientsWatchEvaluationDocument,
    "\n    query ClientsJobsPage($after: String) {\n      trainingJobs(first: 7, after: $after, orderBy: NAME_ASC) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id jobId name status } }\n      }\n    }\n  ": typeof types.ClientsJobsPageDocument,
    "\n        mutation ClientsSubmitEvaluation($jobId: ID!) {\n          submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: \"gsm8k\" }] }) {\n            evaluation { id evaluationId status }\n            userErrors { field message code }\n          }\n        }\n      ": typeof types.ClientsSubmitEvaluationDocument,
    "\n  query ErrJob($id: ID!) {\n    trainingJob(id: $id) { jobId name }\n  }\n": typeof types.ErrJobDocument,
    "\n  query ErrList {\n    trainingJobs(first: 3) { edges { node { jobId } } }\n    queue { depth }\n  }\n": typeof types.ErrListDocument,
    "\n        mutation ErrCancel($id: ID!) { cancelTrainingJob(input: { id: $id }) { userErrors { code } } }\n      ": typeof types.ErrCancelDocument,
    "\n  mutation Submit($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      clientMutationId\n      evaluation { evaluationId status modelUri job { jobId } benchmarks { name numSamples parameters { key value } } }\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n": typeof types.SubmitDocument,
    "\n  mutation Cancel($input: CancelTrainingJobInput!) {\n    cancelTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": typeof types.CancelDocument,
    "\n  mutation Pause($input: PauseTrainingJobInput!) {\n    pauseTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": typeof types.PauseDocument,
    "\n  mutation Resume($input: ResumeTrainingJobInput!) {\n    resumeTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": typeof types.ResumeDocument,
    "\n  mutation Retry($input: RetryTrainingJobInput!) {\n    retryTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": typeof types.RetryDocument,
    "\n  query Cluster {\n    cluster {\n      status\n      nodesTotal\n      nodesReady\n      gpusTotal\n      gpusInUse\n      utilization\n      queueDepth\n      gpuTypes { gpuType total inUse available }\n      nodes { id nodeId status gpuType gpuCount gpusInUse gpusFree runningJobIds runningJobs { jobId status } }\n    }\n  }\n": typeof types.ClusterDocument,
    "\n  mutation Drain($input: DrainNodeInput!) {\n    drainNode(input: $input) {\n      node { id nodeId status gpusFree }\n      userErrors { field message code }\n    }\n  }\n": typeof types.DrainDocument,
    "\n  mutation Enable($input: EnableNodeInput!) {\n    enableNode(input: $input) {\n      node { nodeId status }\n      userErrors { field message code }\n    }\n  }\n": typeof types.EnableDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) { id ... on ClusterNode { nodeId status } }\n  }\n": typeof types.NodeByIdDocument,
    "\n  query QueueEntries($first: Int) {\n    queue {\n      depth\n      byStatus { status count }\n      entries(first: $first) {\n        position\n        type\n        workloadId\n        priority\n        enqueuedAt\n        workload {\n          __typename\n          ... on TrainingJob { jobId status }\n          ... on Evaluation { evaluationId status }\n        }\n      }\n    }\n  }\n": typeof types.QueueEntriesDocument,
    "\n  query ValidateData($uris: [String!]!) {\n    validateDataSources(uris: $uris) { uri ok message }\n  }\n": typeof types.ValidateDataDocument,
    "\n  query DataCache {\n    dataCache { uri sizeBytes cachedAt }\n  }\n": typeof types.DataCacheDocument,
    "\n  query RateLimit {\n    viewer { rateLimit { limit remaining resetAt observedAt } }\n  }\n": typeof types.RateLimitDocument,
    "\n  query QueueDepth {\n    queue { depth }\n  }\n": typeof types.QueueDepthDocument,
    "\n  mutation SubmitCustom($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      evaluation { evaluationId }\n      userErrors { field message code }\n    }\n  }\n": typeof types.SubmitCustomDocument,
    "\n  query JobsPage($first: Int, $after: String, $last: Int, $before: String, $filter: TrainingJobFilter, $orderBy: ListOrder) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { jobId status } }\n    }\n  }\n": typeof types.JobsPageDocument,
    "\n  query EvaluationsPage($first: Int, $after: String, $filter: EvaluationFilter) {\n    evaluations(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { evaluationId job { jobId } } }\n    }\n  }\n": typeof types.EvaluationsPageDocument,
    "\n  query NestedJobs {\n    trainingJobs(first: 20) {\n      edges {\n        node {\n          name\n          evaluations(first: 5) {\n            edges { node { status job { name } benchmarks { name score } } }\n          }\n        }\n      }\n    }\n  }\n": typeof types.NestedJobsDocument,
    "\n  query JobById($id: ID!) {\n    trainingJob(id: $id) {\n      id\n      jobId\n      name\n      status\n      rawStatus\n      phase\n      isTerminal\n      progress { currentStep totalSteps epoch fraction }\n      labels { key value }\n      trainingType\n      baseModel\n      createdAt\n      checkpoints { id checkpointId step uri job { jobId } }\n    }\n  }\n": typeof types.JobByIdDocument,
    "\n  query NodeLookup($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on TrainingJob { jobId name }\n      ... on Evaluation { evaluationId job { jobId } }\n      ... on Checkpoint { checkpointId job { jobId } }\n    }\n  }\n": typeof types.NodeLookupDocument,
    "\n  query EvaluationDetail($id: ID!) {\n    evaluation(id: $id) {\n      id\n      evaluationId\n      status\n      phase\n      isTerminal\n      modelUri\n      checkpoint { checkpointId step }\n      job { jobId name status }\n      benchmarks { name isCustom dataset numSamples parameters { key value } status score metrics { name value } }\n      mmlu: score(benchmark: \"mmlu\")\n    }\n  }\n": typeof types.EvaluationDetailDocument,
    "\n  query TwoRoots($missing: ID!) {\n    missing: trainingJob(id: $missing) { name }\n    queue { depth byStatus { status count } }\n  }\n": typeof types.TwoRootsDocument,
    "\n  query Scoreboard($id: ID!, $benchmarks: [String!]) {\n    trainingJob(id: $id) {\n      scoreboard(benchmarks: $benchmarks) {\n        benchmarks\n        complete\n        rows { isFinalModel step checkpoint { checkpointId } scores { benchmark score evaluation { evaluationId } } }\n      }\n      checkpoints {\n        checkpointId\n        evaluations { evaluationId }\n        mmlu: score(benchmark: \"mmlu\") { score evaluation { evaluationId } }\n      }\n    }\n  }\n": typeof types.ScoreboardDocument,
    "\n  mutation Score($input: ScoreCheckpointsInput!) {\n    scoreCheckpoints(input: $input) {\n      userErrors { field message code }\n      results {\n        checkpointId\n        checkpoint { step }\n        evaluation { evaluationId checkpoint { checkpointId } benchmarks { name } }\n        userErrors { field message code }\n      }\n    }\n  }\n": typeof types.ScoreDocument,
    "\n  query History($id: ID!, $names: [String!]!, $maxPoints: Int) {\n    trainingJob(id: $id) {\n      metricHistory(names: $names, maxPoints: $maxPoints) { name sourcePoints downsampled points { step value } }\n    }\n  }\n": typeof types.HistoryDocument,
    "\n  query ShapeScores {\n    evaluations(first: 100) {\n      edges {\n        node {\n          evaluationId\n          status\n          checkpoint { checkpointId }\n          createdAt\n          benchmarks { name dataset numSamples parameters { key value } status score metrics { name value } }\n        }\n      }\n    }\n  }\n": typeof types.ShapeScoresDocument,
    "\n  mutation SubmitJob($input: SubmitTrainingJobInput!) {\n    submitTrainingJob(input: $input) {\n      clientMutationId\n      trainingJob { jobId name status labels { key value } }\n      estimatedWaitSeconds\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n": typeof types.SubmitJobDocument,
    "\n  subscription Logs($id: ID!, $tail: Int, $since: String) {\n    trainingJobLogs(id: $id, tail: $tail, since: $since) { droppedLines lines { sequence level message step timestamp } }\n  }\n": typeof types.LogsDocument,
    "\n  subscription Metrics($id: ID!, $names: [String!]) {\n    trainingJobMetrics(id: $id, names: $names) { droppedSnapshots snapshots { sequence step values { name value } } }\n  }\n": typeof types.MetricsDocument,
    "\n  subscription Watch($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status isTerminal message benchmarks { name status score } }\n  }\n": typeof types.WatchDocument,
    "\n  subscription WatchJob($id: ID!) {\n    trainingJobUpdated(id: $id) { jobId status progress { currentStep } }\n  }\n": typeof types.WatchJobDocument,
};
const documents: Documents = {
    "\n# Welcome to the ScaiMind gateway. Pick an operation with the ▶ button.\n# Without an Authorization header, the embedded emulator's development key is used.\n\n# One round trip: jobs, their latest evaluations and scores (21 coordinator calls, whatever the nesting).\nquery JobsWithEvaluations {\n  trainingJobs(first: 20) {\n    totalCount\n    edges {\n      node {\n        id\n        name\n        status\n        phase\n        progress { fraction }\n        evaluations(first: 5) {\n          edges {\n            node {\n              status\n              job { name }\n              benchmarks { name score }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\n# Forward pagination: pass pageInfo.endCursor as $after for the next page.\nquery ListJobs($after: String) {\n  trainingJobs(first: 10, after: $after, filter: { status: [COMPLETED, FAILED] }, orderBy: NAME_ASC) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { jobId name status completedAt checkpoints { checkpointId step } } }\n  }\n}\n\n# Submit an evaluation: put the jobId of a COMPLETED job from ListJobs into the variables.\n# To retry safely, also send an idempotencyKey: a new one per submission, the same one per retry.\nmutation SubmitEvaluation($jobId: ID!, $idempotencyKey: String) {\n  submitEvaluation(\n    input: {\n      jobId: $jobId\n      benchmarks: [{ name: \"mmlu\", numSamples: 1000 }, { name: \"humaneval\" }]\n      idempotencyKey: $idempotencyKey\n    }\n  ) {\n    evaluation { id evaluationId status }\n    userErrors { field message code }\n    warnings { field message }\n  }\n}\n\n# Live status: the current state at once, then each change, until the evaluation finishes.\n# Put the evaluationId from SubmitEvaluation here (or any from the evaluations listing).\nsubscription WatchEvaluation($id: ID!) {\n  evaluationUpdated(id: $id) {\n    status\n    phase\n    benchmarks { name status score }\n    job { name }\n  }\n}\n": types.JobsWithEvaluationsDocument,
    "\n  query ClientsApqCount {\n    trainingJobs(first: 2) { totalCount edges { node { id name } } }\n  }\n": types.ClientsApqCountDocument,
    "\n    query ClientsJobsThenEvaluations {\n      trainingJobs(first: 4, orderBy: NAME_ASC) {\n        edges {\n          node {\n            jobId\n            name\n            ... @defer(label: \"evaluations\") {\n              evaluations(first: 3) { edges { node { evaluationId status } } }\n            }\n          }\n        }\n      }\n    }\n  ": types.ClientsJobsThenEvaluationsDocument,
    "\n  subscription ClientsWatchEvaluation($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status phase isTerminal }\n  }\n": types.ClientsWatchEvaluationDocument,
    "\n    query ClientsJobsPage($after: String) {\n      trainingJobs(first: 7, after: $after, orderBy: NAME_ASC) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id jobId name status } }\n      }\n    }\n  ": types.ClientsJobsPageDocument,
    "\n        mutation ClientsSubmitEvaluation($jobId: ID!) {\n          submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: \"gsm8k\" }] }) {\n            evaluation { id evaluationId status }\n            userErrors { field message code }\n          }\n        }\n      ": types.ClientsSubmitEvaluationDocument,
    "\n  query ErrJob($id: ID!) {\n    trainingJob(id: $id) { jobId name }\n  }\n": types.ErrJobDocument,
    "\n  query ErrList {\n    trainingJobs(first: 3) { edges { node { jobId } } }\n    queue { depth }\n  }\n": types.ErrListDocument,
    "\n        mutation ErrCancel($id: ID!) { cancelTrainingJob(input: { id: $id }) { userErrors { code } } }\n      ": types.ErrCancelDocument,
    "\n  mutation Submit($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      clientMutationId\n      evaluation { evaluationId status modelUri job { jobId } benchmarks { name numSamples parameters { key value } } }\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n": types.SubmitDocument,
    "\n  mutation Cancel($input: CancelTrainingJobInput!) {\n    cancelTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": types.CancelDocument,
    "\n  mutation Pause($input: PauseTrainingJobInput!) {\n    pauseTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": types.PauseDocument,
    "\n  mutation Resume($input: ResumeTrainingJobInput!) {\n    resumeTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": types.ResumeDocument,
    "\n  mutation Retry($input: RetryTrainingJobInput!) {\n    retryTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n": types.RetryDocument,
    "\n  query Cluster {\n    cluster {\n      status\n      nodesTotal\n      nodesReady\n      gpusTotal\n      gpusInUse\n      utilization\n      queueDepth\n      gpuTypes { gpuType total inUse available }\n      nodes { id nodeId status gpuType gpuCount gpusInUse gpusFree runningJobIds runningJobs { jobId status } }\n    }\n  }\n": types.ClusterDocument,
    "\n  mutation Drain($input: DrainNodeInput!) {\n    drainNode(input: $input) {\n      node { id nodeId status gpusFree }\n      userErrors { field message code }\n    }\n  }\n": types.DrainDocument,
    "\n  mutation Enable($input: EnableNodeInput!) {\n    enableNode(input: $input) {\n      node { nodeId status }\n      userErrors { field message code }\n    }\n  }\n": types.EnableDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) { id ... on ClusterNode { nodeId status } }\n  }\n": types.NodeByIdDocument,
    "\n  query QueueEntries($first: Int) {\n    queue {\n      depth\n      byStatus { status count }\n      entries(first: $first) {\n        position\n        type\n        workloadId\n        priority\n        enqueuedAt\n        workload {\n          __typename\n          ... on TrainingJob { jobId status }\n          ... on Evaluation { evaluationId status }\n        }\n      }\n    }\n  }\n": types.QueueEntriesDocument,
    "\n  query ValidateData($uris: [String!]!) {\n    validateDataSources(uris: $uris) { uri ok message }\n  }\n": types.ValidateDataDocument,
    "\n  query DataCache {\n    dataCache { uri sizeBytes cachedAt }\n  }\n": types.DataCacheDocument,
    "\n  query RateLimit {\n    viewer { rateLimit { limit remaining resetAt observedAt } }\n  }\n": types.RateLimitDocument,
    "\n  query QueueDepth {\n    queue { depth }\n  }\n": types.QueueDepthDocument,
    "\n  mutation SubmitCustom($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      evaluation { evaluationId }\n      userErrors { field message code }\n    }\n  }\n": types.SubmitCustomDocument,
    "\n  query JobsPage($first: Int, $after: String, $last: Int, $before: String, $filter: TrainingJobFilter, $orderBy: ListOrder) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { jobId status } }\n    }\n  }\n": types.JobsPageDocument,
    "\n  query EvaluationsPage($first: Int, $after: String, $filter: EvaluationFilter) {\n    evaluations(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { evaluationId job { jobId } } }\n    }\n  }\n": types.EvaluationsPageDocument,
    "\n  query NestedJobs {\n    trainingJobs(first: 20) {\n      edges {\n        node {\n          name\n          evaluations(first: 5) {\n            edges { node { status job { name } benchmarks { name score } } }\n          }\n        }\n      }\n    }\n  }\n": types.NestedJobsDocument,
    "\n  query JobById($id: ID!) {\n    trainingJob(id: $id) {\n      id\n      jobId\n      name\n      status\n      rawStatus\n      phase\n      isTerminal\n      progress { currentStep totalSteps epoch fraction }\n      labels { key value }\n      trainingType\n      baseModel\n      createdAt\n      checkpoints { id checkpointId step uri job { jobId } }\n    }\n  }\n": types.JobByIdDocument,
    "\n  query NodeLookup($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on TrainingJob { jobId name }\n      ... on Evaluation { evaluationId job { jobId } }\n      ... on Checkpoint { checkpointId job { jobId } }\n    }\n  }\n": types.NodeLookupDocument,
    "\n  query EvaluationDetail($id: ID!) {\n    evaluation(id: $id) {\n      id\n      evaluationId\n      status\n      phase\n      isTerminal\n      modelUri\n      checkpoint { checkpointId step }\n      job { jobId name status }\n      benchmarks { name isCustom dataset numSamples parameters { key value } status score metrics { name value } }\n      mmlu: score(benchmark: \"mmlu\")\n    }\n  }\n": types.EvaluationDetailDocument,
    "\n  query TwoRoots($missing: ID!) {\n    missing: trainingJob(id: $missing) { name }\n    queue { depth byStatus { status count } }\n  }\n": types.TwoRootsDocument,
    "\n  query Scoreboard($id: ID!, $benchmarks: [String!]) {\n    trainingJob(id: $id) {\n      scoreboard(benchmarks: $benchmarks) {\n        benchmarks\n        complete\n        rows { isFinalModel step checkpoint { checkpointId } scores { benchmark score evaluation { evaluationId } } }\n      }\n      checkpoints {\n        checkpointId\n        evaluations { evaluationId }\n        mmlu: score(benchmark: \"mmlu\") { score evaluation { evaluationId } }\n      }\n    }\n  }\n": types.ScoreboardDocument,
    "\n  mutation Score($input: ScoreCheckpointsInput!) {\n    scoreCheckpoints(input: $input) {\n      userErrors { field message code }\n      results {\n        checkpointId\n        checkpoint { step }\n        evaluation { evaluationId checkpoint { checkpointId } benchmarks { name } }\n        userErrors { field message code }\n      }\n    }\n  }\n": types.ScoreDocument,
    "\n  query History($id: ID!, $names: [String!]!, $maxPoints: Int) {\n    trainingJob(id: $id) {\n      metricHistory(names: $names, maxPoints: $maxPoints) { name sourcePoints downsampled points { step value } }\n    }\n  }\n": types.HistoryDocument,
    "\n  query ShapeScores {\n    evaluations(first: 100) {\n      edges {\n        node {\n          evaluationId\n          status\n          checkpoint { checkpointId }\n          createdAt\n          benchmarks { name dataset numSamples parameters { key value } status score metrics { name value } }\n        }\n      }\n    }\n  }\n": types.ShapeScoresDocument,
    "\n  mutation SubmitJob($input: SubmitTrainingJobInput!) {\n    submitTrainingJob(input: $input) {\n      clientMutationId\n      trainingJob { jobId name status labels { key value } }\n      estimatedWaitSeconds\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n": types.SubmitJobDocument,
    "\n  subscription Logs($id: ID!, $tail: Int, $since: String) {\n    trainingJobLogs(id: $id, tail: $tail, since: $since) { droppedLines lines { sequence level message step timestamp } }\n  }\n": types.LogsDocument,
    "\n  subscription Metrics($id: ID!, $names: [String!]) {\n    trainingJobMetrics(id: $id, names: $names) { droppedSnapshots snapshots { sequence step values { name value } } }\n  }\n": types.MetricsDocument,
    "\n  subscription Watch($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status isTerminal message benchmarks { name status score } }\n  }\n": types.WatchDocument,
    "\n  subscription WatchJob($id: ID!) {\n    trainingJobUpdated(id: $id) { jobId status progress { currentStep } }\n  }\n": types.WatchJobDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n# Welcome to the ScaiMind gateway. Pick an operation with the ▶ button.\n# Without an Authorization header, the embedded emulator's development key is used.\n\n# One round trip: jobs, their latest evaluations and scores (21 coordinator calls, whatever the nesting).\nquery JobsWithEvaluations {\n  trainingJobs(first: 20) {\n    totalCount\n    edges {\n      node {\n        id\n        name\n        status\n        phase\n        progress { fraction }\n        evaluations(first: 5) {\n          edges {\n            node {\n              status\n              job { name }\n              benchmarks { name score }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\n# Forward pagination: pass pageInfo.endCursor as $after for the next page.\nquery ListJobs($after: String) {\n  trainingJobs(first: 10, after: $after, filter: { status: [COMPLETED, FAILED] }, orderBy: NAME_ASC) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { jobId name status completedAt checkpoints { checkpointId step } } }\n  }\n}\n\n# Submit an evaluation: put the jobId of a COMPLETED job from ListJobs into the variables.\n# To retry safely, also send an idempotencyKey: a new one per submission, the same one per retry.\nmutation SubmitEvaluation($jobId: ID!, $idempotencyKey: String) {\n  submitEvaluation(\n    input: {\n      jobId: $jobId\n      benchmarks: [{ name: \"mmlu\", numSamples: 1000 }, { name: \"humaneval\" }]\n      idempotencyKey: $idempotencyKey\n    }\n  ) {\n    evaluation { id evaluationId status }\n    userErrors { field message code }\n    warnings { field message }\n  }\n}\n\n# Live status: the current state at once, then each change, until the evaluation finishes.\n# Put the evaluationId from SubmitEvaluation here (or any from the evaluations listing).\nsubscription WatchEvaluation($id: ID!) {\n  evaluationUpdated(id: $id) {\n    status\n    phase\n    benchmarks { name status score }\n    job { name }\n  }\n}\n"): (typeof documents)["\n# Welcome to the ScaiMind gateway. Pick an operation with the ▶ button.\n# Without an Authorization header, the embedded emulator's development key is used.\n\n# One round trip: jobs, their latest evaluations and scores (21 coordinator calls, whatever the nesting).\nquery JobsWithEvaluations {\n  trainingJobs(first: 20) {\n    totalCount\n    edges {\n      node {\n        id\n        name\n        status\n        phase\n        progress { fraction }\n        evaluations(first: 5) {\n          edges {\n            node {\n              status\n              job { name }\n              benchmarks { name score }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\n# Forward pagination: pass pageInfo.endCursor as $after for the next page.\nquery ListJobs($after: String) {\n  trainingJobs(first: 10, after: $after, filter: { status: [COMPLETED, FAILED] }, orderBy: NAME_ASC) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { jobId name status completedAt checkpoints { checkpointId step } } }\n  }\n}\n\n# Submit an evaluation: put the jobId of a COMPLETED job from ListJobs into the variables.\n# To retry safely, also send an idempotencyKey: a new one per submission, the same one per retry.\nmutation SubmitEvaluation($jobId: ID!, $idempotencyKey: String) {\n  submitEvaluation(\n    input: {\n      jobId: $jobId\n      benchmarks: [{ name: \"mmlu\", numSamples: 1000 }, { name: \"humaneval\" }]\n      idempotencyKey: $idempotencyKey\n    }\n  ) {\n    evaluation { id evaluationId status }\n    userErrors { field message code }\n    warnings { field message }\n  }\n}\n\n# Live status: the current state at once, then each change, until the evaluation finishes.\n# Put the evaluationId from SubmitEvaluation here (or any from the evaluations listing).\nsubscription WatchEvaluation($id: ID!) {\n  evaluationUpdated(id: $id) {\n    status\n    phase\n    benchmarks { name status score }\n    job { name }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientsApqCount {\n    trainingJobs(first: 2) { totalCount edges { node { id name } } }\n  }\n"): (typeof documents)["\n  query ClientsApqCount {\n    trainingJobs(first: 2) { totalCount edges { node { id name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n    query ClientsJobsThenEvaluations {\n      trainingJobs(first: 4, orderBy: NAME_ASC) {\n        edges {\n          node {\n            jobId\n            name\n            ... @defer(label: \"evaluations\") {\n              evaluations(first: 3) { edges { node { evaluationId status } } }\n            }\n          }\n        }\n      }\n    }\n  "): (typeof documents)["\n    query ClientsJobsThenEvaluations {\n      trainingJobs(first: 4, orderBy: NAME_ASC) {\n        edges {\n          node {\n            jobId\n            name\n            ... @defer(label: \"evaluations\") {\n              evaluations(first: 3) { edges { node { evaluationId status } } }\n            }\n          }\n        }\n      }\n    }\n  "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientsWatchEvaluation($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status phase isTerminal }\n  }\n"): (typeof documents)["\n  subscription ClientsWatchEvaluation($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status phase isTerminal }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n    query ClientsJobsPage($after: String) {\n      trainingJobs(first: 7, after: $after, orderBy: NAME_ASC) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id jobId name status } }\n      }\n    }\n  "): (typeof documents)["\n    query ClientsJobsPage($after: String) {\n      trainingJobs(first: 7, after: $after, orderBy: NAME_ASC) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id jobId name status } }\n      }\n    }\n  "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation ClientsSubmitEvaluation($jobId: ID!) {\n          submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: \"gsm8k\" }] }) {\n            evaluation { id evaluationId status }\n            userErrors { field message code }\n          }\n        }\n      "): (typeof documents)["\n        mutation ClientsSubmitEvaluation($jobId: ID!) {\n          submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: \"gsm8k\" }] }) {\n            evaluation { id evaluationId status }\n            userErrors { field message code }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrJob($id: ID!) {\n    trainingJob(id: $id) { jobId name }\n  }\n"): (typeof documents)["\n  query ErrJob($id: ID!) {\n    trainingJob(id: $id) { jobId name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrList {\n    trainingJobs(first: 3) { edges { node { jobId } } }\n    queue { depth }\n  }\n"): (typeof documents)["\n  query ErrList {\n    trainingJobs(first: 3) { edges { node { jobId } } }\n    queue { depth }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation ErrCancel($id: ID!) { cancelTrainingJob(input: { id: $id }) { userErrors { code } } }\n      "): (typeof documents)["\n        mutation ErrCancel($id: ID!) { cancelTrainingJob(input: { id: $id }) { userErrors { code } } }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Submit($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      clientMutationId\n      evaluation { evaluationId status modelUri job { jobId } benchmarks { name numSamples parameters { key value } } }\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n"): (typeof documents)["\n  mutation Submit($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      clientMutationId\n      evaluation { evaluationId status modelUri job { jobId } benchmarks { name numSamples parameters { key value } } }\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Cancel($input: CancelTrainingJobInput!) {\n    cancelTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation Cancel($input: CancelTrainingJobInput!) {\n    cancelTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Pause($input: PauseTrainingJobInput!) {\n    pauseTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation Pause($input: PauseTrainingJobInput!) {\n    pauseTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Resume($input: ResumeTrainingJobInput!) {\n    resumeTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation Resume($input: ResumeTrainingJobInput!) {\n    resumeTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Retry($input: RetryTrainingJobInput!) {\n    retryTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation Retry($input: RetryTrainingJobInput!) {\n    retryTrainingJob(input: $input) {\n      trainingJob { jobId status }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Cluster {\n    cluster {\n      status\n      nodesTotal\n      nodesReady\n      gpusTotal\n      gpusInUse\n      utilization\n      queueDepth\n      gpuTypes { gpuType total inUse available }\n      nodes { id nodeId status gpuType gpuCount gpusInUse gpusFree runningJobIds runningJobs { jobId status } }\n    }\n  }\n"): (typeof documents)["\n  query Cluster {\n    cluster {\n      status\n      nodesTotal\n      nodesReady\n      gpusTotal\n      gpusInUse\n      utilization\n      queueDepth\n      gpuTypes { gpuType total inUse available }\n      nodes { id nodeId status gpuType gpuCount gpusInUse gpusFree runningJobIds runningJobs { jobId status } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Drain($input: DrainNodeInput!) {\n    drainNode(input: $input) {\n      node { id nodeId status gpusFree }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation Drain($input: DrainNodeInput!) {\n    drainNode(input: $input) {\n      node { id nodeId status gpusFree }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Enable($input: EnableNodeInput!) {\n    enableNode(input: $input) {\n      node { nodeId status }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation Enable($input: EnableNodeInput!) {\n    enableNode(input: $input) {\n      node { nodeId status }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeById($id: ID!) {\n    node(id: $id) { id ... on ClusterNode { nodeId status } }\n  }\n"): (typeof documents)["\n  query NodeById($id: ID!) {\n    node(id: $id) { id ... on ClusterNode { nodeId status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueueEntries($first: Int) {\n    queue {\n      depth\n      byStatus { status count }\n      entries(first: $first) {\n        position\n        type\n        workloadId\n        priority\n        enqueuedAt\n        workload {\n          __typename\n          ... on TrainingJob { jobId status }\n          ... on Evaluation { evaluationId status }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query QueueEntries($first: Int) {\n    queue {\n      depth\n      byStatus { status count }\n      entries(first: $first) {\n        position\n        type\n        workloadId\n        priority\n        enqueuedAt\n        workload {\n          __typename\n          ... on TrainingJob { jobId status }\n          ... on Evaluation { evaluationId status }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ValidateData($uris: [String!]!) {\n    validateDataSources(uris: $uris) { uri ok message }\n  }\n"): (typeof documents)["\n  query ValidateData($uris: [String!]!) {\n    validateDataSources(uris: $uris) { uri ok message }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DataCache {\n    dataCache { uri sizeBytes cachedAt }\n  }\n"): (typeof documents)["\n  query DataCache {\n    dataCache { uri sizeBytes cachedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RateLimit {\n    viewer { rateLimit { limit remaining resetAt observedAt } }\n  }\n"): (typeof documents)["\n  query RateLimit {\n    viewer { rateLimit { limit remaining resetAt observedAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueueDepth {\n    queue { depth }\n  }\n"): (typeof documents)["\n  query QueueDepth {\n    queue { depth }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitCustom($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      evaluation { evaluationId }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitCustom($input: SubmitEvaluationInput!) {\n    submitEvaluation(input: $input) {\n      evaluation { evaluationId }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobsPage($first: Int, $after: String, $last: Int, $before: String, $filter: TrainingJobFilter, $orderBy: ListOrder) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { jobId status } }\n    }\n  }\n"): (typeof documents)["\n  query JobsPage($first: Int, $after: String, $last: Int, $before: String, $filter: TrainingJobFilter, $orderBy: ListOrder) {\n    trainingJobs(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { jobId status } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EvaluationsPage($first: Int, $after: String, $filter: EvaluationFilter) {\n    evaluations(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { evaluationId job { jobId } } }\n    }\n  }\n"): (typeof documents)["\n  query EvaluationsPage($first: Int, $after: String, $filter: EvaluationFilter) {\n    evaluations(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { evaluationId job { jobId } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NestedJobs {\n    trainingJobs(first: 20) {\n      edges {\n        node {\n          name\n          evaluations(first: 5) {\n            edges { node { status job { name } benchmarks { name score } } }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NestedJobs {\n    trainingJobs(first: 20) {\n      edges {\n        node {\n          name\n          evaluations(first: 5) {\n            edges { node { status job { name } benchmarks { name score } } }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobById($id: ID!) {\n    trainingJob(id: $id) {\n      id\n      jobId\n      name\n      status\n      rawStatus\n      phase\n      isTerminal\n      progress { currentStep totalSteps epoch fraction }\n      labels { key value }\n      trainingType\n      baseModel\n      createdAt\n      checkpoints { id checkpointId step uri job { jobId } }\n    }\n  }\n"): (typeof documents)["\n  query JobById($id: ID!) {\n    trainingJob(id: $id) {\n      id\n      jobId\n      name\n      status\n      rawStatus\n      phase\n      isTerminal\n      progress { currentStep totalSteps epoch fraction }\n      labels { key value }\n      trainingType\n      baseModel\n      createdAt\n      checkpoints { id checkpointId step uri job { jobId } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeLookup($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on TrainingJob { jobId name }\n      ... on Evaluation { evaluationId job { jobId } }\n      ... on Checkpoint { checkpointId job { jobId } }\n    }\n  }\n"): (typeof documents)["\n  query NodeLookup($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on TrainingJob { jobId name }\n      ... on Evaluation { evaluationId job { jobId } }\n      ... on Checkpoint { checkpointId job { jobId } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EvaluationDetail($id: ID!) {\n    evaluation(id: $id) {\n      id\n      evaluationId\n      status\n      phase\n      isTerminal\n      modelUri\n      checkpoint { checkpointId step }\n      job { jobId name status }\n      benchmarks { name isCustom dataset numSamples parameters { key value } status score metrics { name value } }\n      mmlu: score(benchmark: \"mmlu\")\n    }\n  }\n"): (typeof documents)["\n  query EvaluationDetail($id: ID!) {\n    evaluation(id: $id) {\n      id\n      evaluationId\n      status\n      phase\n      isTerminal\n      modelUri\n      checkpoint { checkpointId step }\n      job { jobId name status }\n      benchmarks { name isCustom dataset numSamples parameters { key value } status score metrics { name value } }\n      mmlu: score(benchmark: \"mmlu\")\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoRoots($missing: ID!) {\n    missing: trainingJob(id: $missing) { name }\n    queue { depth byStatus { status count } }\n  }\n"): (typeof documents)["\n  query TwoRoots($missing: ID!) {\n    missing: trainingJob(id: $missing) { name }\n    queue { depth byStatus { status count } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Scoreboard($id: ID!, $benchmarks: [String!]) {\n    trainingJob(id: $id) {\n      scoreboard(benchmarks: $benchmarks) {\n        benchmarks\n        complete\n        rows { isFinalModel step checkpoint { checkpointId } scores { benchmark score evaluation { evaluationId } } }\n      }\n      checkpoints {\n        checkpointId\n        evaluations { evaluationId }\n        mmlu: score(benchmark: \"mmlu\") { score evaluation { evaluationId } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Scoreboard($id: ID!, $benchmarks: [String!]) {\n    trainingJob(id: $id) {\n      scoreboard(benchmarks: $benchmarks) {\n        benchmarks\n        complete\n        rows { isFinalModel step checkpoint { checkpointId } scores { benchmark score evaluation { evaluationId } } }\n      }\n      checkpoints {\n        checkpointId\n        evaluations { evaluationId }\n        mmlu: score(benchmark: \"mmlu\") { score evaluation { evaluationId } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Score($input: ScoreCheckpointsInput!) {\n    scoreCheckpoints(input: $input) {\n      userErrors { field message code }\n      results {\n        checkpointId\n        checkpoint { step }\n        evaluation { evaluationId checkpoint { checkpointId } benchmarks { name } }\n        userErrors { field message code }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Score($input: ScoreCheckpointsInput!) {\n    scoreCheckpoints(input: $input) {\n      userErrors { field message code }\n      results {\n        checkpointId\n        checkpoint { step }\n        evaluation { evaluationId checkpoint { checkpointId } benchmarks { name } }\n        userErrors { field message code }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query History($id: ID!, $names: [String!]!, $maxPoints: Int) {\n    trainingJob(id: $id) {\n      metricHistory(names: $names, maxPoints: $maxPoints) { name sourcePoints downsampled points { step value } }\n    }\n  }\n"): (typeof documents)["\n  query History($id: ID!, $names: [String!]!, $maxPoints: Int) {\n    trainingJob(id: $id) {\n      metricHistory(names: $names, maxPoints: $maxPoints) { name sourcePoints downsampled points { step value } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShapeScores {\n    evaluations(first: 100) {\n      edges {\n        node {\n          evaluationId\n          status\n          checkpoint { checkpointId }\n          createdAt\n          benchmarks { name dataset numSamples parameters { key value } status score metrics { name value } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ShapeScores {\n    evaluations(first: 100) {\n      edges {\n        node {\n          evaluationId\n          status\n          checkpoint { checkpointId }\n          createdAt\n          benchmarks { name dataset numSamples parameters { key value } status score metrics { name value } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitJob($input: SubmitTrainingJobInput!) {\n    submitTrainingJob(input: $input) {\n      clientMutationId\n      trainingJob { jobId name status labels { key value } }\n      estimatedWaitSeconds\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitJob($input: SubmitTrainingJobInput!) {\n    submitTrainingJob(input: $input) {\n      clientMutationId\n      trainingJob { jobId name status labels { key value } }\n      estimatedWaitSeconds\n      userErrors { field message code }\n      warnings { field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Logs($id: ID!, $tail: Int, $since: String) {\n    trainingJobLogs(id: $id, tail: $tail, since: $since) { droppedLines lines { sequence level message step timestamp } }\n  }\n"): (typeof documents)["\n  subscription Logs($id: ID!, $tail: Int, $since: String) {\n    trainingJobLogs(id: $id, tail: $tail, since: $since) { droppedLines lines { sequence level message step timestamp } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Metrics($id: ID!, $names: [String!]) {\n    trainingJobMetrics(id: $id, names: $names) { droppedSnapshots snapshots { sequence step values { name value } } }\n  }\n"): (typeof documents)["\n  subscription Metrics($id: ID!, $names: [String!]) {\n    trainingJobMetrics(id: $id, names: $names) { droppedSnapshots snapshots { sequence step values { name value } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Watch($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status isTerminal message benchmarks { name status score } }\n  }\n"): (typeof documents)["\n  subscription Watch($id: ID!) {\n    evaluationUpdated(id: $id) { evaluationId status isTerminal message benchmarks { name status score } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchJob($id: ID!) {\n    trainingJobUpdated(id: $id) { jobId status progress { currentStep } }\n  }\n"): (typeof documents)["\n  subscription WatchJob($id: ID!) {\n    trainingJobUpdated(id: $id) { jobId status progress { currentStep } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;