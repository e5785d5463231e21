import { fanOutTargetsSchema, SourceSummarySchema, z } from '@stemkit/core/driver';

/**
 * What a legacy handle carries besides its legacy job ids (`parts`): which jobs make up which neutral target
 * (one per audio format, one for all text formats), and why a target has fewer jobs than planned (the fan-out
 * kit's `targets`). A handle with `parts` only still works: one target per job.
 */
export const HandleData = /* @__PURE__ */ z.lazy(() =>
  z.object({
    /** What the job's `sourceAsset` does not report of the upload (its MIME type, any computed metadata). */
    source: z.optional(SourceSummarySchema),
    targets: z.optional(fanOutTargetsSchema()),
  }),
);
/** See {@link HandleData}. */
export type HandleData = z.infer<typeof HandleData>;
