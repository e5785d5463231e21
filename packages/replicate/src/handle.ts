import { SourceSummarySchema, z } from '@stemkit/core/driver';

/**
 * What a Replicate handle carries besides the prediction id: the stems asked for, the format and whether the
 * residual was asked, so that the neutral job is rebuilt from `GET /predictions/{id}` alone. A handle built
 * from a callback or a list knows none of it: its targets are the stems the output has.
 */
export const HandleData = /* @__PURE__ */ z.lazy(() =>
  z.object({
    stems: z.optional(z.array(z.string())),
    format: z.optional(z.string()),
    residual: z.optional(z.boolean()),
    source: z.optional(SourceSummarySchema),
  }),
);
/** See {@link HandleData}. */
export type HandleData = z.infer<typeof HandleData>;
