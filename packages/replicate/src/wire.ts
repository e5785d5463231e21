import { z } from '@stemkit/core/driver';

// Replicate's payloads (docs/providers/replicate.md), loose: fields the driver does not read pass through.

/** A prediction, as `GET /predictions/{id}` answers it and as a webhook carries it. */
export const ReplicatePrediction = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1), z.maxLength(200)),
    model: z.optional(z.string()),
    version: z.optional(z.string()),
    input: z.nullish(z.looseObject({})),
    output: z.optional(z.unknown()),
    logs: z.nullish(z.string()),
    error: z.optional(z.unknown()),
    status: z.string(),
    data_removed: z.optional(z.boolean()),
    created_at: z.nullish(z.string()),
    started_at: z.nullish(z.string()),
    completed_at: z.nullish(z.string()),
    urls: z.optional(z.looseObject({})),
  }),
);
/** See {@link ReplicatePrediction}. */
export type ReplicatePrediction = z.infer<typeof ReplicatePrediction>;

/** A page of `GET /predictions`: absolute `next`/`previous` URLs carrying the cursor. */
export const PredictionPageSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    next: z.nullish(z.string()),
    previous: z.nullish(z.string()),
    results: z.array(ReplicatePrediction),
  }),
);

/** A file created through the Files API (`POST /files`). */
export const ReplicateFile = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string(),
    content_type: z.optional(z.string()),
    size: z.optional(z.number()),
    created_at: z.optional(z.string()),
    expires_at: z.nullish(z.string()),
    urls: z.looseObject({ get: z.string() }),
  }),
);
/** See {@link ReplicateFile}. */
export type ReplicateFile = z.infer<typeof ReplicateFile>;

/** `GET /webhooks/default/secret`. */
export const SecretSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ key: z.string().check(z.minLength(7)) }),
);
