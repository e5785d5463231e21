import { SourceSummarySchema, z } from '@stemkit/core/driver';

/**
 * What a Sourcere handle carries besides the separation id: enough to rebuild the neutral job from the
 * progress endpoint alone, in any process. A handle built from a callback knows no stems (see `callbacks.ts`).
 */
export const HandleData = /* @__PURE__ */ z.lazy(() =>
  z.object({
    /** Requested neutral stems, in request order. */
    stems: z.optional(z.array(z.string())),
    /** Requested output formats. */
    formats: z.optional(z.array(z.string())),
    trial: z.optional(z.object({ start: z.optional(z.number()), seconds: z.optional(z.number()) })),
    customMetadata: z.optional(z.string()),
    /** When the separation was started (ISO-8601): the stall clock's origin until the first event. */
    startedAt: z.optional(z.string()),
    /** The uploaded source (name, duration…): the progress endpoint does not describe it. */
    source: z.optional(SourceSummarySchema),
    /** The callback URL given at start: the progress endpoint does not echo it. */
    callbackUrl: z.optional(z.string()),
  }),
);
/** See {@link HandleData}. */
export type HandleData = z.infer<typeof HandleData>;
