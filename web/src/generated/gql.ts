/* eslint-disable */
import * as types from './graphql.js';



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
    "fragment RunRow on TrainingJob {\n  id\n  jobId\n  name\n  status\n  rawStatus\n  phase\n  isTerminal\n  progress {\n    fraction\n    currentStep\n    totalSteps\n    epoch\n  }\n  labels {\n    key\n    value\n  }\n  trainingType\n  baseModel\n  createdAt\n  updatedAt\n  message\n}\n\nquery RunsPage($first: Int!, $after: String, $filter: TrainingJobFilter) {\n  trainingJobs(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        ...RunRow\n      }\n    }\n  }\n}\n\nsubscription RunUpdated($id: ID!) {\n  trainingJobUpdated(id: $id) {\n    ...RunRow\n  }\n}": typeof types.RunRowFragmentDoc,
};
const documents: Documents = {
    "fragment RunRow on TrainingJob {\n  id\n  jobId\n  name\n  status\n  rawStatus\n  phase\n  isTerminal\n  progress {\n    fraction\n    currentStep\n    totalSteps\n    epoch\n  }\n  labels {\n    key\n    value\n  }\n  trainingType\n  baseModel\n  createdAt\n  updatedAt\n  message\n}\n\nquery RunsPage($first: Int!, $after: String, $filter: TrainingJobFilter) {\n  trainingJobs(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        ...RunRow\n      }\n    }\n  }\n}\n\nsubscription RunUpdated($id: ID!) {\n  trainingJobUpdated(id: $id) {\n    ...RunRow\n  }\n}": types.RunRowFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment RunRow on TrainingJob {\n  id\n  jobId\n  name\n  status\n  rawStatus\n  phase\n  isTerminal\n  progress {\n    fraction\n    currentStep\n    totalSteps\n    epoch\n  }\n  labels {\n    key\n    value\n  }\n  trainingType\n  baseModel\n  createdAt\n  updatedAt\n  message\n}\n\nquery RunsPage($first: Int!, $after: String, $filter: TrainingJobFilter) {\n  trainingJobs(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        ...RunRow\n      }\n    }\n  }\n}\n\nsubscription RunUpdated($id: ID!) {\n  trainingJobUpdated(id: $id) {\n    ...RunRow\n  }\n}"): typeof import('./graphql.js').RunRowFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
