import { rm } from 'node:fs/promises';
import { Zip, ZipPassThrough } from 'fflate';
import type { Hono } from 'hono';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { type ErrorBody, HttpError } from '../http/errors.ts';
import { receiveMultipartFile } from '../http/multipart.ts';
import { sameSecret } from '../http/secrets.ts';
import { cuid } from '../ids.ts';
import { InputError } from '../processing/errors.ts';
import { storageKey } from '../storage/keys.ts';

/** The `output_format` values of the note (`docs/providers/elevenlabs.md`). */
const OUTPUT_FORMATS = new Set([
  ...['22050_32', '24000_48', '44100_32', '44100_64', '44100_96', '44100_128', '44100_192'].map(
    (each) => `mp3_${each}`,
  ),
  ...['8000', '16000', '22050', '24000', '32000', '44100', '48000'].map((each) => `pcm_${each}`),
  'ulaw_8000',
  'alaw_8000',
  ...['32', '64', '96', '128', '192'].map((each) => `opus_48000_${each}`),
]);

/** `detail.status` codes by HTTP status, as the note lists them. */
const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_api_key',
  404: 'not_found',
  413: 'file_too_large',
  429: 'too_many_concurrent_requests',
  500: 'internal_error',
  503: 'system_busy',
};

/**
 * ElevenLabs' error bodies: FastAPI's validation list for a 422 (`loc: message` in the message gives the
 * location), `{detail: {status, message}}` otherwise.
 */
export const elevenLabsErrorBody: ErrorBody = (status, message) => {
  if (status === 422) {
    const [location, ...rest] = message.split(': ');
    const loc = rest.length > 0 ? (location as string).split('.') : ['body'];
    return { detail: [{ loc, msg: rest.length > 0 ? rest.join(': ') : message, type: 'value_error' }] };
  }
  return { detail: { status: CODES[status] ?? 'error', message } };
};

/**
 * The one route, `POST /v1/music/stem-separation`: the multipart upload streamed to disk (bounded), real stems
 * of it from the shared DSP, answered as a ZIP streamed entry by entry.
 */
export function createElevenLabsApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'elevenlabs', elevenLabsErrorBody);
  app.use(async (hono, next) => {
    if (!sameSecret(hono.req.header('xi-api-key'), context.options.credentials.elevenlabsApiKey)) {
      throw new HttpError(401, 'Invalid API key');
    }
    await next();
  });
  app.post('/v1/music/stem-separation', async (hono) => {
    const outputFormat = hono.req.query('output_format') ?? 'mp3_44100_128';
    if (!OUTPUT_FORMATS.has(outputFormat)) {
      throw new HttpError(
        422,
        `query.output_format: value is not a valid enumeration member: ${outputFormat.slice(0, 40)}`,
      );
    }
    const codec = outputFormat.startsWith('pcm_')
      ? 'pcm'
      : outputFormat.startsWith('mp3_')
        ? 'mp3'
        : undefined;
    const key = storageKey('elevenlabs', cuid());
    const path = context.objects.path(key);
    try {
      const file = await receiveMultipartFile(
        hono.req.raw,
        context.objects,
        key,
        context.options.maxUploadBytes,
      ).catch((error: unknown) => {
        // FastAPI answers a body without its file part with its validation list.
        if (error instanceof HttpError && /no part named file|multipart/.test(error.message)) {
          throw new HttpError(422, 'body.file: field required');
        }
        throw error;
      });
      const variation = file.fields.stem_variation_id ?? 'six_stems_v1';
      if (variation !== 'six_stems_v1' && variation !== 'two_stems_v1') {
        throw new HttpError(
          422,
          "body.stem_variation_id: value is not a valid enumeration member; permitted: 'two_stems_v1', 'six_stems_v1'",
        );
      }
      const sign = file.fields.sign_with_c2pa;
      if (sign !== undefined && sign !== 'true' && sign !== 'false') {
        throw new HttpError(422, 'body.sign_with_c2pa: value could not be parsed to a boolean');
      }
      if (!codec) {
        // The DSP encodes mp3 and raw PCM; the other codecs of the enum are refused plainly, not faked.
        throw new HttpError(
          400,
          `The emulator does not encode ${outputFormat}; use an mp3_* or pcm_* format`,
        );
      }
      const stems = await context.compute
        .run({ operation: 'stems', path, set: variation === 'two_stems_v1' ? 'two' : 'six', codec })
        .catch((error: unknown) => {
          if (error instanceof InputError || (error instanceof Error && error.name === 'InputError')) {
            throw new HttpError(400, error.message);
          }
          throw error;
        });
      return new Response(zipStream(stems), {
        headers: {
          'content-type': 'application/zip',
          'content-disposition': 'attachment; filename=stems.zip',
        },
      });
    } finally {
      await rm(path, { force: true });
    }
  });
  return app;
}

/** A ZIP of the stems, stored (audio does not deflate), streamed as fflate produces it. */
function zipStream(files: readonly { name: string; data: Uint8Array }[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error);
        controller.enqueue(chunk);
        if (final) controller.close();
      });
      for (const file of files) {
        const entry = new ZipPassThrough(file.name);
        zip.add(entry);
        entry.push(file.data, true);
      }
      zip.end();
    },
  });
}

/** Nothing to resume: the API keeps no jobs. */
export function resumeElevenLabs(_context: EmulatorContext): void {}
