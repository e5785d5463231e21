import { randomUUID } from 'node:crypto';
import { parse as parseDisposition } from 'content-disposition';
import type { Context, Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { readBoundedText } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { sameSecret } from '../http/secrets.ts';
import { codecOf, extensionOf } from '../processing/formats.ts';
import { storageKey } from '../storage/keys.ts';
import { TooLargeError } from '../storage/objects.ts';
import { removeFiles, runTask } from './processing.ts';
import type { LalalTask } from './records.ts';

// LALAL.AI v1 (docs/providers/lalal.md; the provider note §2–§6). Every route is a POST ending with a slash.

const DAY_SECONDS = 86_400;

/** Errors as the API writes them: `{detail}`, with `code` for the business errors. */
const lalalErrorBody = (_status: number, message: string) => ({ detail: message });

/** A `{detail, code}` answer (`ApiV1ErrorResponse`). */
class LalalError extends HttpError {
  readonly code: string;
  constructor(status: number, detail: string, code: string) {
    super(status, detail);
    this.code = code;
  }
}

const splitter = z.enum(['auto', 'andromeda', 'perseus', 'orion', 'phoenix', 'lyra', 'lynx']).optional();
const encoderFormat = z.enum(['mp3', 'wav', 'flac', 'aac', 'ogg']).nullable().optional();
const common = { splitter, dereverb_enabled: z.boolean().optional(), encoder_format: encoderFormat };
const extraction = z.enum(['deep_extraction', 'clear_cut']).optional();
const PRESETS = {
  stem_separator: z.looseObject({
    ...common,
    stem: z.enum([
      'vocals',
      'drum',
      'piano',
      'bass',
      'electric_guitar',
      'acoustic_guitar',
      'synthesizer',
      'strings',
      'wind',
    ]),
    multivocal: z.literal('lead_back').nullable().optional(),
    extraction_level: extraction,
  }),
  multistem: z.looseObject({
    ...common,
    stem_list: z
      .array(z.enum(['vocals', 'drum', 'piano', 'bass', 'electric_guitar', 'acoustic_guitar']))
      .min(1)
      .max(6),
    extraction_level: extraction,
  }),
  demuser: z.looseObject({ ...common, stem: z.literal('music') }),
  voice_clean: z.looseObject({
    ...common,
    stem: z.literal('voice'),
    noise_cancelling_level: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  }),
} as const;
type Endpoint = keyof typeof PRESETS;

const splitBody = (endpoint: Endpoint) =>
  z.object({
    source_id: z.uuid(),
    presets: PRESETS[endpoint],
    idempotency_key: z.uuid().nullable().optional(),
  });
const taskIds = z.object({ task_ids: z.array(z.uuid()).min(1) });

/** Reads a JSON body (capped); a wrong one is FastAPI's 422 `{detail: [{loc, msg, type}]}`. */
async function readJson<Schema extends z.ZodType>(
  hono: Context,
  schema: Schema,
  model: string,
): Promise<z.output<Schema>> {
  const text = await readBoundedText(hono.req.raw);
  let value: unknown;
  try {
    value = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    throw new UnprocessableError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UnprocessableError(
    result.error.issues.map((issue) => ({
      loc: ['body', model, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
      msg: issue.message,
      type: issue.code,
    })),
  );
}

class UnprocessableError extends HttpError {
  readonly issues: Array<{ loc: unknown[]; msg: string; type: string }>;
  constructor(issues: Array<{ loc: unknown[]; msg: string; type: string }>) {
    super(422, 'Unprocessable Entity');
    this.issues = issues;
  }
}

/** LALAL.AI's v1 API on the shared DSP. */
export function createLalalApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'lalal', lalalErrorBody);
  const state = context.store.state;
  const checks = new Map<string, number[]>();

  // The typed bodies first: the shared handler writes `{detail}` only.
  app.onError((error, hono) => {
    if (error instanceof UnprocessableError) return hono.json({ detail: error.issues }, 422);
    if (error instanceof LalalError)
      return hono.json({ detail: error.message, code: error.code }, error.status as 400);
    if (error instanceof HttpError) {
      return hono.json({ detail: error.message }, error.status as 400, error.headers);
    }
    return hono.json({ detail: 'Internal server error' }, 500);
  });

  app.use(async (hono, next) => {
    const key = hono.req.header('x-license-key');
    if (key === undefined) throw new HttpError(403, "Provide license key in 'X-License-Key' header");
    if (!sameSecret(key, context.options.credentials.lalalLicenseKey))
      throw new HttpError(403, 'Invalid license key');
    await next();
  });

  const taskJson = (id: string): Record<string, unknown> => {
    const task = state.lalalTasks[id];
    if (!task)
      return {
        status: 'server_error',
        error: "['The file was not uploaded properly or was already deleted']",
      };
    const presets = {
      ...task.presets,
      task_type: 'split',
      label: task.endpoint === 'stem_separator' ? 'enhanced' : task.endpoint,
    };
    const base = { status: task.status, source_id: task.sourceId, presets };
    if (task.status === 'progress') return { ...base, progress: task.progress };
    if (task.status === 'error') return { ...base, error: task.error };
    if (task.status === 'cancelled') return base;
    const lifetime = context.signedUrlLifetime(DAY_SECONDS);
    return {
      ...base,
      result: {
        duration: task.duration ?? 0,
        tracks: task.tracks.map((track) => ({
          type: track.type,
          label: track.label,
          url: context.signer.sign('GET', track.key, lifetime, track.name).url,
          name: track.name,
          size: null,
          playlist_file: null,
          waveform: null,
        })),
      },
    };
  };

  /** Creates one task, or answers the one its idempotency key made while it is still queued. */
  const split = (endpoint: Endpoint, body: z.output<ReturnType<typeof splitBody>>): LalalTask => {
    const source = state.lalalSources[body.source_id];
    if (!source || source.deleted || source.expires * 1000 < Date.now()) {
      throw new LalalError(400, 'The source file was not found or has expired', 'internal_error');
    }
    const key = body.idempotency_key ?? undefined;
    if (key !== undefined) {
      const earlier = Object.values(state.lalalTasks).find((task) => task.idempotencyKey === key);
      if (earlier?.status === 'progress' && earlier.progress === 0) return earlier;
      if (earlier)
        throw new LalalError(400, 'Idempotency key has already been used.', 'idempotency_key_used');
    }
    const requested = body.presets.encoder_format ?? extensionOf(source.name) ?? 'wav';
    const format = codecOf(requested) === undefined ? 'wav' : requested;
    if (body.presets.encoder_format && codecOf(body.presets.encoder_format) === undefined) {
      throw new LalalError(
        400,
        `encoder_format ${body.presets.encoder_format} is not emulated (mp3, wav, flac are)`,
        'not_emulated',
      );
    }
    const stems = endpoint === 'multistem' ? (body.presets as { stem_list: string[] }).stem_list.length : 1;
    const left = context.options.lalalMinutes - (state.lalalMinutesUsed ?? 0);
    if ((source.duration / 60) * stems > left)
      throw new LalalError(400, 'Not enough minutes left', 'exceeded_duration');
    const task: LalalTask = {
      id: randomUUID(),
      sourceId: source.id,
      endpoint,
      presets: body.presets,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      status: 'progress',
      progress: 0,
      tracks: [],
      createdAt: new Date().toISOString(),
    };
    state.lalalTasks[task.id] = task;
    context.store.changed();
    context.background(() => runTask(context, task, format));
    return task;
  };

  app.post('/upload/', async (hono) => {
    const header = hono.req.header('content-disposition');
    let name: string | undefined;
    try {
      name = header ? parseDisposition(header).parameters.filename : undefined;
    } catch {
      name = undefined;
    }
    if (!name) throw new HttpError(400, 'No file name (use the Content-Disposition header)');
    const body = hono.req.raw.body;
    if (!body) throw new HttpError(400, 'The request has no body');
    const id = randomUUID();
    const key = storageKey('lalal', 'sources', id);
    const size = await context.objects
      .write(key, body, { maxBytes: context.options.maxUploadBytes })
      .catch((error: unknown) => {
        if (error instanceof TooLargeError)
          throw new LalalError(400, `The file is larger than ${error.maxBytes} bytes`, 'exceeded_size');
        throw error;
      });
    const info = await context.compute
      .run({ operation: 'probe', path: context.objects.path(key) })
      .catch(() => {
        throw new HttpError(400, 'The file is not an audio file the service reads');
      });
    const source = {
      id,
      name,
      size,
      duration: Math.round(info.duration),
      expires: Math.floor(Date.now() / 1000) + DAY_SECONDS,
      key,
    };
    state.lalalSources[id] = source;
    context.store.changed();
    return hono.json({ id, name, size, duration: source.duration, expires: source.expires });
  });

  for (const endpoint of Object.keys(PRESETS) as Endpoint[]) {
    app.post(`/split/${endpoint}/`, async (hono) => {
      const body = await readJson(hono, splitBody(endpoint), 'split_input');
      return hono.json({ task_id: split(endpoint, body).id });
    });
  }
  for (const endpoint of ['stem_separator', 'demuser', 'voice_clean'] as const) {
    app.post(`/split/batch/${endpoint}/`, async (hono) => {
      const body = await readJson(
        hono,
        z.object({ items: z.array(splitBody(endpoint)).min(1).max(100) }),
        'batch_input',
      );
      const results = body.items.map((item) => {
        try {
          return { status: 'success', task_id: split(endpoint, item).id, source_id: item.source_id };
        } catch (error) {
          const code = error instanceof LalalError ? error.code : 'internal_error';
          return {
            status: 'error',
            error: error instanceof Error ? error.message : 'failed',
            code,
            source_id: item.source_id,
          };
        }
      });
      return hono.json({ results });
    });
  }

  app.post('/check/', async (hono) => {
    // The documented 30 a minute per licence key, over a sliding minute; a 429 has no Retry-After (none seen live).
    const key = hono.req.header('x-license-key') ?? '';
    const now = Date.now();
    const recent = (checks.get(key) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= context.options.lalalChecksPerMinute) {
      throw new HttpError(429, `Too many requests: ${context.options.lalalChecksPerMinute} checks a minute`);
    }
    checks.set(key, [...recent, now]);
    const body = await readJson(
      hono,
      z.object({ task_ids: z.array(z.string()).min(1).max(200) }),
      'check_input',
    );
    return hono.json({ result: Object.fromEntries(body.task_ids.map((id) => [id, taskJson(id)])) });
  });

  const cancelTask = (id: string) => {
    const task = state.lalalTasks[id];
    if (!task) return { status: 'server_error', error: 'Failed to extract information about task' };
    if (task.status !== 'progress') return { status: 'server_error', error: 'Task is not in progress state' };
    task.status = 'cancelled';
    context.store.changed();
    return { status: 'success' };
  };
  app.post('/cancel/', async (hono) => {
    const body = await readJson(hono, taskIds, 'cancel_input');
    return hono.json({ result: Object.fromEntries(body.task_ids.map((id) => [id, cancelTask(id)])) });
  });
  app.post('/cancel/all/', (hono) => {
    const running = Object.values(state.lalalTasks).filter((task) => task.status === 'progress');
    return hono.json({ result: Object.fromEntries(running.map((task) => [task.id, cancelTask(task.id)])) });
  });

  app.post('/delete/', async (hono) => {
    const body = await readJson(hono, z.object({ source_id: z.uuid() }), 'delete_input');
    const source = state.lalalSources[body.source_id];
    if (!source || source.deleted)
      throw new LalalError(400, 'The source file was not found', 'internal_error');
    source.deleted = true;
    const tasks = Object.values(state.lalalTasks).filter((task) => task.sourceId === source.id);
    for (const task of tasks) if (task.status === 'progress') cancelTask(task.id);
    // The files go at once (the real service's CDN keeps links alive about an hour more).
    await removeFiles(context, [
      source.key,
      ...tasks.flatMap((task) => task.tracks.map((track) => track.key)),
    ]);
    context.store.changed();
    return hono.json({});
  });

  app.post('/limits/minutes_left/', (hono) =>
    hono.json({
      minutes_left: Math.max(
        0,
        Math.round((context.options.lalalMinutes - (state.lalalMinutesUsed ?? 0)) * 100) / 100,
      ),
    }),
  );

  const notEmulated = () => {
    throw new LalalError(501, 'Voice conversion is not emulated', 'not_emulated');
  };
  app.post('/change_voice/', notEmulated);
  app.post('/voice_packs/list/', notEmulated);

  return app;
}

/** Tasks a restart interrupted start over. */
export function resumeLalal(context: EmulatorContext): void {
  for (const task of Object.values(context.store.state.lalalTasks)) {
    if (task.status !== 'progress') continue;
    const source = context.store.state.lalalSources[task.sourceId];
    const requested = String(task.presets.encoder_format ?? extensionOf(source?.name ?? '') ?? 'wav');
    context.background(() => runTask(context, task, codecOf(requested) ? requested : 'wav'));
  }
}
