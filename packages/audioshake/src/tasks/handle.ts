import { SourceSummarySchema, z } from '@stemkit/core/driver';

/**
 * What a Tasks handle carries besides the task id: the uploaded source's name and format, which a task does not
 * describe (it has only `assetId`); `GET /tasks/:id` answers the rest, targets and fresh links included.
 */
export const HandleData = /* @__PURE__ */ z.lazy(() => z.object({ source: z.optional(SourceSummarySchema) }));
