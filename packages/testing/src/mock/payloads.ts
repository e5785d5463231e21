import * as z from 'zod/mini';

// Lenient schemas for what the mock provider answers: only the fields the driver reads; the rest stays in `raw`.

/** A file the provider knows. */
export const FilePayload = z.looseObject({
  id: z.string(),
  name: z.string(),
  format: z.optional(z.string()),
  bytes: z.optional(z.number()),
  role: z.optional(z.string()),
  url: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
});

/** One target of a provider job. */
export const TargetPayload = z.looseObject({
  id: z.string(),
  model: z.string(),
  formats: z.array(z.string()),
  state: z.string(),
  outputs: z.array(FilePayload),
  error: z.nullish(z.looseObject({ code: z.optional(z.string()), message: z.string() })),
});

/** A provider job. */
export const JobPayload = z.looseObject({
  id: z.string(),
  source: z.optional(FilePayload),
  targets: z.array(TargetPayload),
  metadata: z.nullish(z.string()),
  created: z.optional(z.string()),
  events: z.optional(z.array(z.looseObject({ name: z.string(), at: z.optional(z.string()) }))),
});

/** A page of jobs. */
export const JobListPayload = z.looseObject({ jobs: z.array(JobPayload), next: z.nullish(z.string()) });

/** A download link, or a note that it is being prepared. */
export const LinkPayload = z.looseObject({ url: z.optional(z.string()), expiresAt: z.optional(z.string()) });

/** A callback body. */
export const CallbackPayload = z.looseObject({
  event: z.optional(z.string()),
  job: z.looseObject({ id: z.string() }),
});

/** What the provider computed about an upload, or a note that it is still computing. */
export const MetadataPayload = z.looseObject({
  decodable: z.optional(z.boolean()),
  message: z.optional(z.string()),
  durationSeconds: z.optional(z.number()),
  channels: z.optional(z.number()),
  sampleRate: z.optional(z.number()),
});
