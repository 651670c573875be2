/** Viewer: what the gateway knows about the caller's own credential. */
import type { RateLimitObservation } from '../rate-limits.js';
import { builder } from './builder.js';

const RateLimitRef = builder.objectRef<RateLimitObservation>('RateLimit').implement({
  description:
    'The coordinator’s rate limit for your credential, from the `X-Scaigrid-Ratelimit-*` headers of the latest reply this gateway instance received for it.',
  fields: (t) => ({
    limit: t.exposeInt('limit', { nullable: true, description: 'Requests allowed per window.' }),
    remaining: t.exposeInt('remaining', { nullable: true, description: 'Requests left in the window.' }),
    resetAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the window frees up again.',
      resolve: (limit) => limit.resetAt,
    }),
    observedAt: t.field({
      type: 'DateTime',
      description: 'When that reply arrived: older figures may understate what is left.',
      resolve: (limit) => limit.observedAt,
    }),
  }),
});

interface ViewerView {
  credentialScope: string | null;
}

const ViewerRef = builder.objectRef<ViewerView>('Viewer').implement({
  description: 'The caller, as identified by the Authorization header.',
  fields: (t) => ({
    rateLimit: t.field({
      type: RateLimitRef,
      nullable: true,
      description: 'Null until this gateway instance has seen a coordinator reply for your credential.',
      resolve: (viewer, _args, context) =>
        viewer.credentialScope === null ? null : context.rateLimits.latest(viewer.credentialScope),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    resolve: (_root, _args, context) => ({ credentialScope: context.credential ? context.credentialScope : null }),
  }),
);
