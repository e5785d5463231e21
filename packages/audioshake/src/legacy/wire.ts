import { z } from '@stemkit/core/driver';
import { optionalBoolean, optionalNumber, optionalString, WireFailureSchema } from '../shared/wire.ts';

// Each schema is built on its first use (`z.lazy`), so importing the driver builds none of them; `@__PURE__` lets
// an app's bundler drop those it never uses.

/** The fields of an asset; the source asset of a job has them too. */
const assetShape = () => ({
  id: z.string(),
  name: optionalString(),
  format: optionalString(),
  fileType: optionalString(),
  link: optionalString(),
  clientId: optionalString(),
});

/**
 * A legacy Asset: an upload or an output. Only `id` is required; unknown fields are kept (see
 * docs/providers/audioshake-legacy.md, "Payloads").
 *
 * @example
 * ```ts
 * LegacyAssetSchema.parse({ id: 'clyxaywtp00ne0jpi4nf435dv', name: 'song', format: 'mp3' });
 * ```
 */
export const LegacyAssetSchema = /* @__PURE__ */ z.lazy(() => z.looseObject(assetShape()));
/** See {@link LegacyAssetSchema}. */
export type LegacyAsset = z.infer<typeof LegacyAssetSchema>;

/** A job's request metadata as echoed back: `metadata`, or the older `stemMetadata` (with `stemName`). */
export const LegacyJobMetadataSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    name: optionalString(),
    stemName: optionalString(),
    format: optionalString(),
    language: optionalString(),
    variant: optionalString(),
    residual: optionalBoolean(),
    customProperty: optionalString(),
    userSessionId: optionalString(),
    audioId: optionalString(),
    licenseId: optionalString(),
    maxTrackLength: optionalNumber(),
    preview: optionalBoolean(),
    watermarkInterval: optionalNumber(),
  }),
);
/** See {@link LegacyJobMetadataSchema}. */
export type LegacyJobMetadata = z.infer<typeof LegacyJobMetadataSchema>;

const outputList = () => z.nullish(z.array(LegacyAssetSchema));

/**
 * The source asset of a job. The docs' separation example nests the outputs and the metadata in it.
 */
export const LegacySourceAssetSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    ...assetShape(),
    outputAssets: outputList(),
    stemAssets: outputList(),
    metadata: z.nullish(LegacyJobMetadataSchema),
    stemMetadata: z.nullish(LegacyJobMetadataSchema),
  }),
);

/**
 * A legacy Job: every documented field, all optional but `id`, unknown fields kept (see
 * docs/providers/audioshake-legacy.md, "Payloads").
 *
 * @example
 * ```ts
 * const job = LegacyJobSchema.parse({ id: 'clksrfob8000bf7of6xkscy8m', status: 'created' });
 * ```
 */
export const LegacyJobSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    clientId: optionalString(),
    createdAt: optionalString(),
    startedAt: optionalString(),
    updatedAt: optionalString(),
    completedAt: optionalString(),
    requestId: optionalString(),
    licenseId: optionalString(),
    assetId: optionalString(),
    metadata: z.nullish(LegacyJobMetadataSchema),
    stemMetadata: z.nullish(LegacyJobMetadataSchema),
    callbackUrl: optionalString(),
    status: optionalString(),
    statusInfo: z.nullish(WireFailureSchema),
    sourceAsset: z.nullish(LegacySourceAssetSchema),
    outputAssets: outputList(),
    stemAssets: outputList(),
    otherAssets: outputList(),
    // Failure details some clients read when `statusInfo` is empty.
    error: z.nullish(z.union([z.string(), WireFailureSchema])),
    errorMessage: optionalString(),
  }),
);
/** See {@link LegacyJobSchema}. */
export type LegacyJob = z.infer<typeof LegacyJobSchema>;

/** The `{ job }` envelope of `POST /job` and `GET /job/:id`. */
export const LegacyJobEnvelopeSchema = /* @__PURE__ */ z.lazy(() => z.looseObject({ job: LegacyJobSchema }));

/** `POST /usage`: the last three months. */
export const LegacyUsageSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    clientId: optionalString(),
    usage: z.nullish(
      z.array(
        z.looseObject({
          month: z.string(),
          totalJobs: optionalNumber(),
          totalMinutes: z.nullish(z.union([z.number(), z.string()])),
        }),
      ),
    ),
  }),
);
/** See {@link LegacyUsageSchema}. */
export type LegacyUsage = z.infer<typeof LegacyUsageSchema>;

/**
 * The body of `POST /job`: one model on one asset. `metadata` keeps any extra field (`variant`,
 * `maxTrackLength`…); `stemMetadata` is the oldest request shape, which stored jobs may still echo.
 *
 * @example
 * ```ts
 * const request: LegacyJobRequest = {
 *   assetId: 'clyxaywtp00ne0jpi4nf435dv', metadata: { name: 'vocals', format: 'wav' },
 *   callbackUrl: 'https://your-app.com/webhooks',
 * };
 * ```
 */
export interface LegacyJobRequest {
  /** The `id` an upload returned (`POST /upload`, `/upload/link` or `/upload/audio-link`). */
  readonly assetId: string;
  /** The model `name` to run, the output `format`, and optional settings (the current request shape). */
  readonly metadata?: LegacyRequestMetadata;
  /** The oldest form of `metadata` (`stemName` for `name`), read when `metadata` is absent. */
  readonly stemMetadata?: LegacyRequestMetadata;
  /** Optional URL AudioShake calls when the job completes; `stemkit.callbacks.parse` reads the call. */
  readonly callbackUrl?: string;
  /** Extra inputs: for alignment, the uploaded transcript as `{ id, type: 'transcription' }`. */
  readonly otherSourceAssets?: ReadonlyArray<{
    readonly id: string;
    readonly type: string;
    readonly name?: string;
  }>;
}

/** The `metadata` of a legacy job request: `name` and `format`, plus optional settings. */
export interface LegacyRequestMetadata {
  /** The model (stem) to run, e.g. `vocals`, `instrumental`, `music_detection`. */
  readonly name?: string;
  /** The older name of `name`, from the `stemMetadata` request shape; `name` wins when both are set. */
  readonly stemName?: string;
  /** Output format: `wav`, `flac`, `mp3`, `aiff`, `mp4`; for text `json`, `txt`, `srt` or `all` (all 3). */
  readonly format?: string;
  /** Transcription and alignment language: a 2-letter code such as `en`, or `auto` (the default). */
  readonly language?: string;
  /** Model variant, e.g. `high_quality` (vocals, instrumental), `two_speaker`, `n_speaker` (multi_voice). */
  readonly variant?: string;
  /** Also return the residual (the mix minus the target) as a separate file. */
  readonly residual?: boolean;
  /** Free text for the caller's own use or debugging, up to 1000 characters; echoed back on the job. */
  readonly customProperty?: string;
  readonly [field: string]: unknown;
}

/**
 * The job inside a payload wrapped in `{ job }` (API responses, most callbacks) or bare.
 *
 * @example
 * ```ts
 * unwrapJob({ job: { id: 'j1' } }); // { id: 'j1' }
 * ```
 */
export function unwrapJob(payload: unknown): unknown {
  if (typeof payload === 'object' && payload !== null && 'job' in payload) {
    const inner = (payload as { job: unknown }).job;
    if (typeof inner === 'object' && inner !== null) return inner;
  }
  return payload;
}

/**
 * The request metadata a job echoes: `metadata`, the older `stemMetadata`, or either nested in `sourceAsset`.
 *
 * @example
 * ```ts
 * const job = LegacyJobSchema.parse(await response.json());
 * legacyJobMetadata(job)?.name; // 'instrumental'
 * ```
 */
export function legacyJobMetadata(job: LegacyJob): LegacyJobMetadata | undefined {
  return (
    job.metadata ??
    job.stemMetadata ??
    job.sourceAsset?.metadata ??
    job.sourceAsset?.stemMetadata ??
    undefined
  );
}

/**
 * The model a job runs: `metadata.name`, or the older `stemName`.
 *
 * @example
 * ```ts
 * const job = LegacyJobSchema.parse(await response.json());
 * legacyJobModel(job); // 'instrumental'
 * ```
 */
export function legacyJobModel(job: LegacyJob): string | undefined {
  const metadata = legacyJobMetadata(job);
  return metadata?.name ?? metadata?.stemName ?? undefined;
}

/**
 * Every output of a job, read defensively: `outputAssets`, `stemAssets`, the copies nested in `sourceAsset`,
 * and `otherAssets`, without duplicates.
 *
 * @example
 * ```ts
 * const job = LegacyJobSchema.parse(await response.json());
 * legacyJobOutputs(job).map((asset) => asset.name); // ['instrumental.wav']
 * ```
 */
export function legacyJobOutputs(job: LegacyJob): LegacyAsset[] {
  const lists = [
    job.outputAssets,
    job.stemAssets,
    job.sourceAsset?.outputAssets,
    job.sourceAsset?.stemAssets,
    job.otherAssets,
  ];
  const byId = new Map<string, LegacyAsset>();
  for (const asset of lists.flatMap((list) => list ?? [])) if (!byId.has(asset.id)) byId.set(asset.id, asset);
  return [...byId.values()];
}
