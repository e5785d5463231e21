import * as z from 'zod/mini';

/** What an asset is to its job. */
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
/** See {@link AssetRoleSchema}. */
export type AssetRole = z.infer<typeof AssetRoleSchema>;

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
export const AssetSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    role: AssetRoleSchema,
    /** The stem or model this asset is an output of. */
    stem: z.optional(z.string()),
    format: z.optional(z.string()),
    mimeType: z.optional(z.string()),
    url: z.optional(z.string()),
    /** ISO-8601 instant after which `url` no longer works. */
    expiresAt: z.optional(z.string()),
    sizeBytes: z.optional(z.number()),
    durationSeconds: z.optional(z.number()),
    channels: z.optional(z.number()),
    sampleRate: z.optional(z.number()),
    provider: z.string(),
    raw: z.unknown(),
  }),
);
/** See {@link AssetSchema}. */
export type Asset = z.infer<typeof AssetSchema>;
