import { z } from '@stemkit/core/driver';

// Lenient schemas: only the fields the driver reads are checked, unknown ones are kept (`looseObject`), and
// every payload also travels untouched in the neutral objects' `raw`.
// Each is built on its first use (`z.lazy`), so importing the driver builds none; `@__PURE__` lets an app's
// bundler drop those it never uses.

/** `POST /auth/`: the token already carries its scheme (`Bearer eyJ…`); `expiry` is its lifetime in seconds. */
export const LoginResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    token: z.string().check(z.minLength(1)),
    expiry: z.optional(z.number()),
  }),
);

/** `POST /separation/create`: where and how to send the file. `expiry` is a zone-less UTC timestamp. */
export const CreateResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    uploadId: z.string().check(z.minLength(1)),
    signedUrl: z.string().check(z.minLength(1)),
    expiry: z.nullish(z.string()),
    method: z.nullish(z.string()),
  }),
);

/** `GET /separation/metadata` once computed; `success: false` means the file is not decodable audio. */
export const MetadataResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    duration: z.nullish(z.number()),
    numChannels: z.nullish(z.number()),
    sampleRate: z.nullish(z.number()),
    message: z.nullish(z.string()),
    success: z.nullish(z.boolean()),
  }),
);
/** See {@link MetadataResponse}. */
export type MetadataResponse = z.infer<typeof MetadataResponse>;

/** `POST /separation/start` and `/separation/trial`. */
export const StartResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ separationId: z.string().check(z.minLength(1)) }),
);

/** One entry of the progress event log. */
export const ProgressEntry = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    event: z.string(),
    guid: z.nullish(z.string()),
    timestamp: z.nullish(z.string()),
    message: z.nullish(z.string()),
  }),
);
/** See {@link ProgressEntry}. */
export type ProgressEntry = z.infer<typeof ProgressEntry>;

/** `GET /separation/progress`: the append-only event log, and the output files once finished. */
export const ProgressResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    events: z.nullish(z.array(ProgressEntry)),
    outputFiles: z.nullish(z.array(z.string())),
  }),
);
/** See {@link ProgressResponse}. */
export type ProgressResponse = z.infer<typeof ProgressResponse>;

/** `GET /separation/download` once the file is ready. */
export const DownloadResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    signedUrl: z.string().check(z.minLength(1)),
    expiry: z.nullish(z.string()),
    method: z.nullish(z.string()),
  }),
);

/** `POST /separation/mix`: the mix's file name for the download endpoint (`mix/mix_<uuid>`). */
export const MixResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ mixId: z.string().check(z.minLength(1)) }),
);

/** `POST /separation/zip`: the zip's file name for the download endpoint (`zip/<uuid>.zip`). */
export const ZipResponse = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ zipFilePath: z.string().check(z.minLength(1)) }),
);

/** The callback body; `event` is the last event, as a name or as a log entry. */
export const CallbackBody = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    separationId: z.string().check(z.minLength(1)),
    customMetadata: z.nullish(z.string()),
    outputFiles: z.nullish(z.array(z.string())),
    event: z.nullish(z.union([z.string(), z.looseObject({ event: z.string() })])),
  }),
);

/**
 * Reads one of the API's zone-less timestamps (`2020-07-14T13:20:58.140`, UTC by contract) as ISO-8601;
 * `undefined` when absent or unreadable.
 */
export function utcTimestamp(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
