/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Lifecycle status of a training job or evaluation, as the coordinator reports it. */
export type JobStatus =
  | 'CANCELLED'
  | 'CHECKPOINTING'
  | 'COMPLETED'
  | 'EVALUATING'
  | 'EXPORTING'
  | 'FAILED'
  | 'PAUSED'
  | 'PENDING'
  | 'PREEMPTED'
  | 'PREPARING'
  | 'QUEUED'
  | 'SCHEDULING'
  | 'TRAINING'
  | 'UNKNOWN';

export type KeyValueInput = {
  key: string;
  /** Always a string, e.g. "0.0", as the coordinator requires. */
  value: string;
};

/** A coarse status for simple UIs. */
export type Phase =
  /** Cancelled. */
  | 'CANCELLED'
  /** Failed. */
  | 'FAILED'
  /** Waiting to run (pending, queued, or re-queued after preemption). */
  | 'QUEUED'
  /** Scheduled, preparing, training, paused, evaluating or exporting. */
  | 'RUNNING'
  /** Completed. */
  | 'SUCCEEDED';

export type TrainingJobFilter = {
  /** Jobs carrying all of these labels. The gateway filters the coordinator’s pages (at most 500 jobs read per request; `totalCount` is then null, and `endCursor` resumes where the scan stopped). */
  labels?: Array<KeyValueInput> | null | undefined;
  /** Any of these statuses. */
  status?: Array<JobStatus> | null | undefined;
};

export type RunRowFragment = { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> };

export type RunsPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: TrainingJobFilter | null | undefined;
}>;


export type RunsPageQuery = { trainingJobs: { totalCount: number | null, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } }> } | null };

export type RunUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type RunUpdatedSubscription = { trainingJobUpdated: { id: string, jobId: string, name: string | null, status: JobStatus, rawStatus: string, phase: Phase, isTerminal: boolean, trainingType: string | null, baseModel: string | null, createdAt: string | null, updatedAt: string | null, message: string | null, progress: { fraction: number | null, currentStep: number | null, totalSteps: number | null, epoch: number | null } | null, labels: Array<{ key: string, value: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const RunRowFragmentDoc = new TypedDocumentString(`
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}
    `, {"fragmentName":"RunRow"}) as unknown as TypedDocumentString<RunRowFragment, unknown>;
export const RunsPageDocument = new TypedDocumentString(`
    query RunsPage($first: Int!, $after: String, $filter: TrainingJobFilter) {
  trainingJobs(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...RunRow
      }
    }
  }
}
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RunsPageQuery, RunsPageQueryVariables>;
export const RunUpdatedDocument = new TypedDocumentString(`
    subscription RunUpdated($id: ID!) {
  trainingJobUpdated(id: $id) {
    ...RunRow
  }
}
    fragment RunRow on TrainingJob {
  id
  jobId
  name
  status
  rawStatus
  phase
  isTerminal
  progress {
    fraction
    currentStep
    totalSteps
    epoch
  }
  labels {
    key
    value
  }
  trainingType
  baseModel
  createdAt
  updatedAt
  message
}`) as unknown as TypedDocumentString<RunUpdatedSubscription, RunUpdatedSubscriptionVariables>;