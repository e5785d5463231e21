import * as z from 'zod/mini';

/** Schema of an {@link AssetRole}. */
export const AssetRoleSchema = z.enum([
  'source',
  'stem',
  'residual',
  'mix',
  'archive',
  'transcript',
  'alignment',
  'detection',
  'preview',
  'other',
]);
/** What an asset is to its job. */
export type AssetRole =
  | 'source'
  | 'stem'
  | 'residual'
  | 'mix'
  | 'archive'
  | 'transcript'
  | 'alignment'
  | 'detection'
  | 'preview'
  | 'other';

/** Schema of an {@link Asset}. */
export const AssetSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    role: AssetRoleSchema,
    stem: z.optional(z.string()),
    format: z.optional(z.string()),
    mimeType: z.optional(z.string()),
    url: z.optional(z.string()),
    expiresAt: z.optional(z.string()),
    sizeBytes: z.optional(z.number()),
    durationSeconds: z.optional(z.number()),
    channels: z.optional(z.number()),
    sampleRate: z.optional(z.number()),
    provider: z.string(),
    raw: z.unknown(),
  }),
);
/**
 * A file known to a provider: the uploaded source, a stem, a mix, a zip, a transcript…
 *
 * `url` is a temporary link when the provider gave one (`expiresAt` says until when, if known); the client's
 * `download` refreshes it through the driver instead of failing when it has expired. `raw` is the provider's
 * untouched payload.
 *
 * @example
 * ```ts
 * const asset: Asset = {
 *   id: 'clksrg52j2319f7of26wleinn1', name: 'vocals.wav', role: 'stem', stem: 'vocals',
 *   format: 'wav', mimeType: 'audio/wav', provider: 'audioshake-legacy', raw: {},
 * };
 * ```
 */
export type Asset = {
  /** The asset's id at the provider (or one the driver composes), unique within its job. */
  id: string;
  /** The file name, e.g. `vocals.wav`. */
  name: string;
  /** What the asset is to its job: the source, a stem, a residual, a mix, an archive… */
  role: AssetRole;
  /** The stem or model this asset is an output of. */
  stem?: string;
  /** The file format, lower-case without a dot (`wav`, `mp3`, `json`…), when known. */
  format?: string;
  /** The MIME type, when known. */
  mimeType?: string;
  /** A temporary link to the file, when the provider gave one; `download` refreshes it when it has expired. */
  url?: string;
  /** ISO-8601 instant after which `url` no longer works. */
  expiresAt?: string;
  /** The file's size in bytes, when known. */
  sizeBytes?: number;
  /** The audio's duration in seconds, when the provider reports it. */
  durationSeconds?: number;
  /** The audio's channel count, when the provider reports it. */
  channels?: number;
  /** The audio's sample rate in hertz, when the provider reports it. */
  sampleRate?: number;
  /** The driver the asset belongs to. */
  provider: string;
  /** The provider's untouched payload for this asset. */
  raw: unknown;
};
