import * as z from 'zod/mini';
import { AUDIO_FORMATS, OutputFormatSchema, StemNameSchema } from '../model/names.ts';

// Strict schemas for what callers pass. Every mismatch becomes an InvalidArgumentError naming the field. Each is
// built on its first use (`z.lazy`), and so are its parts (functions, not constants): building them at import
// cost a cold start several milliseconds.

const signal = () =>
  z.optional(
    z.custom<AbortSignal>((value) => value instanceof AbortSignal, { message: 'must be an AbortSignal' }),
  );
const callback = <Arguments extends unknown[]>() =>
  z.optional(
    z.custom<(...values: Arguments) => void>((value) => typeof value === 'function', {
      message: 'must be a function',
    }),
  );
const name = () => z.optional(z.string().check(z.minLength(1), z.maxLength(1024)));
const milliseconds = () => z.number().check(z.gte(0), z.lte(2 ** 31 - 1));
const formats = () => z.array(OutputFormatSchema).check(z.minLength(1), z.maxLength(16));
const httpUrl = () => z.url({ protocol: /^https?$/ });

/** Options of `upload`. */
export const UploadOptionsSchema = z.lazy(() =>
  z.object({
    name: name(),
    signal: signal(),
    onProgress: callback<[number]>(),
    transcript: z.optional(z.boolean()),
  }),
);

const waitOptions = () => ({
  timeoutMs: z.optional(milliseconds().check(z.gt(0))),
  initialDelayMs: z.optional(milliseconds()),
  maxDelayMs: z.optional(milliseconds().check(z.gt(0))),
  factor: z.optional(z.number().check(z.gte(1), z.lte(10))),
  jitter: z.optional(z.number().check(z.gte(0), z.lte(1))),
  maxPollFailures: z.optional(z.int().check(z.gte(0), z.lte(1000))),
});

/** Options of `wait` (client defaults and per-call). */
export const WaitOptionsSchema = z.lazy(() => z.object(waitOptions()));

/** Options of one `wait` call. */
export const WaitCallOptionsSchema = z.lazy(() =>
  z.object({ ...waitOptions(), signal: signal(), onProgress: callback<[unknown]>() }),
);

const TargetInputSchema = z.lazy(() =>
  z.object({
    stem: StemNameSchema,
    formats: z.optional(formats()),
    residual: z.optional(z.boolean()),
    variant: z.optional(z.string().check(z.minLength(1))),
    language: z.optional(z.string().check(z.minLength(2), z.maxLength(35))),
    transcript: z.optional(z.unknown()),
  }),
);

/** Options of `separate`, apart from `source` (checked on its own). */
export const SeparateOptionsSchema = z.lazy(() =>
  z.object({
    source: z.unknown(),
    stems: z.optional(z.array(StemNameSchema).check(z.maxLength(64))),
    targets: z.optional(z.array(TargetInputSchema).check(z.maxLength(64))),
    formats: z.optional(formats()),
    residual: z.optional(z.boolean()),
    variant: z.optional(z.string().check(z.minLength(1))),
    language: z.optional(z.string().check(z.minLength(2), z.maxLength(35))),
    transcript: z.optional(z.unknown()),
    trial: z.optional(
      z.object({
        start: z.optional(z.number().check(z.gte(0), z.lte(86_400))),
        seconds: z.optional(z.number().check(z.gt(0), z.lte(86_400))),
      }),
    ),
    callbackUrl: z.optional(httpUrl()),
    metadata: z.optional(z.string().check(z.maxLength(10_000))),
    priority: z.optional(z.string().check(z.minLength(1))),
    providerOptions: z.optional(z.record(z.string(), z.unknown())),
    idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
    name: name(),
    signal: signal(),
    onUploadProgress: callback<[number]>(),
  }),
);

/** Options of `get` and `cancel`. */
export const CallOptionsSchema = z.lazy(() => z.object({ signal: signal() }));

/** Options of `get`. */
export const GetOptionsSchema = z.lazy(() => z.object({ signal: signal(), retry: z.optional(z.boolean()) }));

/** Options of `download`. */
export const DownloadOptionsSchema = z.lazy(() =>
  z.object({
    format: z.optional(OutputFormatSchema),
    signal: signal(),
    job: z.optional(z.unknown()),
  }),
);

// The neutral list itself, so a format added there is taken here too.
const AudioFormatSchema = z.lazy(() => z.enum(AUDIO_FORMATS));

/** Options of `mix`. */
export const MixOptionsSchema = z.lazy(() =>
  z.object({
    tracks: z
      .array(
        z.object({
          stem: StemNameSchema,
          volume: z.number().check(z.gte(0), z.lte(1)),
          pan: z.number().check(z.gte(-1), z.lte(1)),
        }),
      )
      .check(z.minLength(1), z.maxLength(64)),
    name: name(),
    format: z.optional(AudioFormatSchema),
    signal: signal(),
  }),
);

/** Options of `zip`. */
export const ZipOptionsSchema = z.lazy(() =>
  z.object({
    stems: z.array(StemNameSchema).check(z.minLength(1), z.maxLength(64)),
    format: AudioFormatSchema,
    name: name(),
    signal: signal(),
  }),
);

/** Options of `list`. */
export const ListOptionsSchema = z.lazy(() =>
  z.object({
    pageSize: z.optional(z.int().check(z.gte(1), z.lte(100))),
    signal: signal(),
  }),
);
