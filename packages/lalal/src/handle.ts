import { SourceSummarySchema, z } from '@stemkit/core/driver';

/**
 * What a LALAL.AI handle carries besides its task ids (`parts`): each target's place in the tasks, so that
 * `/check/` alone rebuilds the neutral job in any process.
 */
export const HandleData = /* @__PURE__ */ z.lazy(() =>
  z.object({
    /** The uploaded source: `/check/` names only its id. */
    source: z.optional(SourceSummarySchema),
    /** One per target, in request order. */
    targets: z.array(
      z.object({
        stem: z.string(),
        format: z.string(),
        /** Index of the target's task in `parts`. */
        task: z.number(),
        label: z.string(),
        residualLabel: z.optional(z.string()),
        variant: z.optional(z.string()),
      }),
    ),
  }),
);
/** See {@link HandleData}. */
export type HandleData = z.infer<typeof HandleData>;
