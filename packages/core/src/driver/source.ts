import * as z from 'zod/mini';
import type { Asset } from '../model/asset.ts';
import type { SourceReference } from './contract.ts';

/** Schema of a {@link SourceSummary}. */
export const SourceSummarySchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    format: z.optional(z.string()),
    mimeType: z.optional(z.string()),
    url: z.optional(z.string()),
    durationSeconds: z.optional(z.number()),
    channels: z.optional(z.number()),
    sampleRate: z.optional(z.number()),
  }),
);
/**
 * What a handle keeps of a job's source, for providers whose job payload does not describe it (Sourcere's
 * progress, a Tasks task: an id at most): its name, format and what the provider computed after the upload.
 * Small and JSON, so it travels in `handle.data`.
 */
export type SourceSummary = {
  /** The source asset's id at the provider (for a remote source, its URL without query). */
  id: string;
  /** The file name (for a remote source, the last part of its path). */
  name: string;
  /** The file format, lower-case without a dot, when known. */
  format?: string;
  /** The MIME type, when known. */
  mimeType?: string;
  /** A remote source's URL, without its query (so no signature is kept). */
  url?: string;
  /** The audio's duration in seconds, when the provider computed it. */
  durationSeconds?: number;
  /** The audio's channel count, when the provider computed it. */
  channels?: number;
  /** The audio's sample rate in hertz, when the provider computed it. */
  sampleRate?: number;
};

// Not its size: a job listed from the provider cannot know it, and the job's shape must not depend on how it
// was read.
const SUMMARY_FIELDS = [
  'format',
  'mimeType',
  'durationSeconds',
  'channels',
  'sampleRate',
] as const satisfies ReadonlyArray<keyof Asset>;

/**
 * The summary of a start request's source, to keep in the handle; a remote source is named by the last part of
 * its path (without query, so no signature is kept).
 *
 * @example
 * ```ts
 * const handle = context.handle('task-1', { data: { source: summarizeSource({ asset }) } });
 * ```
 */
export function summarizeSource(source: SourceReference): SourceSummary {
  if ('url' in source) {
    const url = new URL(source.url);
    const name = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? url.hostname);
    return { id: `${url.origin}${url.pathname}`, name, url: `${url.origin}${url.pathname}` };
  }
  // An inline upload has no id at the provider: it is named by its file name.
  if ('upload' in source) return { id: `inline:${source.upload.name}`, name: source.upload.name };
  const { asset } = source;
  const summary: SourceSummary = { id: asset.id, name: asset.name };
  for (const field of SUMMARY_FIELDS) {
    if (asset[field] !== undefined) Object.assign(summary, { [field]: asset[field] });
  }
  return summary;
}

/**
 * The neutral source asset of a job, from the summary its handle keeps.
 *
 * @example
 * ```ts
 * const { data } = context.readHandle(handle, z.object({ source: z.optional(SourceSummarySchema) }));
 * const source = data.source ? sourceFromSummary(data.source, 'acme') : undefined;
 * ```
 */
export function sourceFromSummary(summary: SourceSummary, provider: string): Asset {
  const { url: _url, ...fields } = summary;
  return { ...fields, role: 'source', provider, raw: summary };
}
