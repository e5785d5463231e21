import { z } from '@stemkit/core/driver';

// Lenient schemas of LALAL.AI v1 answers (docs: the provider note §3): fields the driver reads are checked, the
// rest passes through untouched into `raw`.

/** `POST upload/` → `UploadResponse`. */
export const UploadResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string(),
    name: z.string(),
    size: z.number(),
    duration: z.number(),
    expires: z.union([z.number(), z.string()]),
  }),
);
/** See {@link UploadResponse}. */
export type UploadResponse = z.infer<typeof UploadResponse>;

/** `POST split/*` → `{task_id}`. */
export const TaskResponse = /* @__PURE__ */ z.lazy(() => z.looseObject({ task_id: z.string() }));

/** One output file of a finished task (`SplitTrack`). */
export const SplitTrack = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    type: z.string(),
    label: z.string(),
    url: z.string(),
    name: z.optional(z.nullable(z.string())),
    size: z.optional(z.nullable(z.number())),
  }),
);
/** See {@link SplitTrack}. */
export type SplitTrack = z.infer<typeof SplitTrack>;

/** One entry of `/check/`'s `result`, told apart by `status`. */
export const CheckEntry = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    status: z.string(),
    source_id: z.optional(z.string()),
    progress: z.optional(z.number()),
    result: z.optional(z.looseObject({ tracks: z.array(SplitTrack), duration: z.optional(z.number()) })),
    error: z.optional(
      z.union([
        z.string(),
        z.looseObject({ detail: z.optional(z.string()), code: z.optional(z.nullable(z.string())) }),
      ]),
    ),
  }),
);
/** See {@link CheckEntry}. */
export type CheckEntry = z.infer<typeof CheckEntry>;

/** `POST check/` → `{result: {<task_id>: entry}}`. */
export const CheckResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ result: z.record(z.string(), CheckEntry) }),
);
/** See {@link CheckResponse}. */
export type CheckResponse = z.infer<typeof CheckResponse>;

/** `POST cancel/` → `{result: {<task_id>: {status, error?}}}`. */
export const CancelResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    result: z.record(z.string(), z.looseObject({ status: z.string(), error: z.optional(z.string()) })),
  }),
);

/** `POST limits/minutes_left/` → `{minutes_left}`. */
export const MinutesLeftResponse = /* @__PURE__ */ z.lazy(() => z.looseObject({ minutes_left: z.number() }));
/** See {@link MinutesLeftResponse}. */
export type MinutesLeftResponse = z.infer<typeof MinutesLeftResponse>;
