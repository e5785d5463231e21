import * as z from 'zod/mini';
import { optionalBoolean, optionalNumber, optionalString, WireFailureSchema } from '../shared/wire.ts';

/**
 * A legacy Asset (spec §1.6): an upload or an output. Only `id` is required; unknown fields are kept.
 *
 * @example
 * ```ts
 * LegacyAssetSchema.parse({ id: 'clyxaywtp00ne0jpi4nf435dv', name: 'song', format: 'mp3' });
 * ```
 */
export const LegacyAssetSchema = z.looseObject({
  id: z.string(),
  name: optionalString,
  format: optionalString,
  fileType: optionalString,
  link: optionalString,
  clientId: optionalString,
});
/** See {@link LegacyAssetSchema}. */
export type LegacyAsset = z.infer<typeof LegacyAssetSchema>;

/** A job's request metadata as echoed back: `metadata`, or the older `stemMetadata` (with `stemName`). */
export const LegacyJobMetadataSchema = z.looseObject({
  name: optionalString,
  stemName: optionalString,
  format: optionalString,
  language: optionalString,
  variant: optionalString,
  residual: optionalBoolean,
  customProperty: optionalString,
  userSessionId: optionalString,
  audioId: optionalString,
  licenseId: optionalString,
  maxTrackLength: optionalNumber,
  preview: optionalBoolean,
  watermarkInterval: optionalNumber,
});
/** See {@link LegacyJobMetadataSchema}. */
export type LegacyJobMetadata = z.infer<typeof LegacyJobMetadataSchema>;

const outputList = z.nullish(z.array(LegacyAssetSchema));

/**
 * The source asset of a job. The docs' separation example nests the outputs and the metadata in it.
 */
export const LegacySourceAssetSchema = z.looseObject({
  ...LegacyAssetSchema.shape,
  outputAssets: outputList,
  stemAssets: outputList,
  metadata: z.nullish(LegacyJobMetadataSchema),
  stemMetadata: z.nullish(LegacyJobMetadataSchema),
});

/**
 * A legacy Job (spec §1.6): every documented field, all optional but `id`, unknown fields kept.
 *
 * @example
 * ```ts
 * const job = LegacyJobSchema.parse({ id: 'clksrfob8000bf7of6xkscy8m', status: 'created' });
 * ```
 */
export const LegacyJobSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  clientId: optionalString,
  createdAt: optionalString,
  startedAt: optionalString,
  updatedAt: optionalString,
  completedAt: optionalString,
  requestId: optionalString,
  licenseId: optionalString,
  assetId: optionalString,
  metadata: z.nullish(LegacyJobMetadataSchema),
  stemMetadata: z.nullish(LegacyJobMetadataSchema),
  callbackUrl: optionalString,
  status: optionalString,
  statusInfo: z.nullish(WireFailureSchema),
  sourceAsset: z.nullish(LegacySourceAssetSchema),
  outputAssets: outputList,
  stemAssets: outputList,
  otherAssets: outputList,
  // Failure details some clients read when `statusInfo` is empty.
  error: z.nullish(z.union([z.string(), WireFailureSchema])),
  errorMessage: optionalString,
});
/** See {@link LegacyJobSchema}. */
export type LegacyJob = z.infer<typeof LegacyJobSchema>;

/** The `{ job }` envelope of `POST /job` and `GET /job/:id`. */
export const LegacyJobEnvelopeSchema = z.looseObject({ job: LegacyJobSchema });

/** `POST /usage`: the last three months. */
export const LegacyUsageSchema = z.looseObject({
  clientId: optionalString,
  usage: z.nullish(
    z.array(
      z.looseObject({
        month: z.string(),
        totalJobs: optionalNumber,
        totalMinutes: z.nullish(z.union([z.number(), z.string()])),
      }),
    ),
  ),
});
/** See {@link LegacyUsageSchema}. */
export type LegacyUsage = z.infer<typeof LegacyUsageSchema>;

/**
 * The body of `POST /job` (spec §1.4): one model on one asset. `metadata` keeps any extra field (`variant`,
 * `maxTrackLength`…); `stemMetadata` is the oldest request shape, still read by the migration mapping.
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
  readonly assetId: string;
  readonly metadata?: LegacyRequestMetadata;
  readonly stemMetadata?: LegacyRequestMetadata;
  readonly callbackUrl?: string;
  readonly otherSourceAssets?: ReadonlyArray<{
    readonly id: string;
    readonly type: string;
    readonly name?: string;
  }>;
}

/** The `metadata` of a legacy job request: `name` and `format`, plus the optional fields of spec §1.4. */
export interface LegacyRequestMetadata {
  readonly name?: string;
  readonly stemName?: string;
  readonly format?: string;
  readonly language?: string;
  readonly variant?: string;
  readonly residual?: boolean;
  readonly customProperty?: string;
  readonly [field: string]: unknown;
}
