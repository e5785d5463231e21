import { SourceSummarySchema } from '@stemkit/core/driver';
import * as z from 'zod/mini';

/**
 * What a Tasks handle carries besides the task id: the uploaded source's name and format, which a task does not
 * describe (it has only `assetId`); `GET /tasks/:id` answers the rest, targets and fresh links included.
 */
export const HandleData = z.object({ source: z.optional(SourceSummarySchema) });
