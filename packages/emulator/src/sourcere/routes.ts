import type { Context, Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { readBody } from '../http/body.ts';
import { HttpError, sourcereErrorBody } from '../http/errors.ts';
import { hexId } from '../ids.ts';
import type { Separation } from '../state/records.ts';
import { zonelessTimestamp } from '../time.ts';
import { issueToken, tokenMiddleware } from './auth.ts';
import {
  computeMetadata,
  mixId,
  prepare,
  responseKey,
  runSeparation,
  stemNames,
  uploadKey,
  zipPath,
} from './processing.ts';

/** Signed links live a day, as in the documented examples. */
const linkLifetimeSeconds = 86_400;
const downloadFormats = ['mp3', 'm4a', 'wav', 'flac'] as const;

const credentialsSchema = z.object({ username: z.string(), password: z.string() });

// `outputFormats` was printed as a JSON string in one copy of the docs: accept both.
const outputFormatsSchema = z
  .union([z.array(z.enum(downloadFormats)), z.string()])
  .transform((value, context) => {
    if (Array.isArray(value)) return value;
    try {
      return z.array(z.enum(downloadFormats)).parse(JSON.parse(value));
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an array of mp3, m4a, wav or flac' });
      return z.NEVER;
    }
  });

const startSchema = z.object({
  uploadId: z.string().min(1),
  separationAlgorithm: z.union([z.literal(6), z.literal(7)], {
    error: 'must be 6 (vocal-accompaniment) or 7 (4-stem)',
  }),
  customMetadata: z.unknown().optional(),
  callbackUrl: z.string().optional(),
  outputFormats: outputFormatsSchema.optional(),
  priority: z.string().optional(),
  priorityOffset: z.number().optional(),
});

const trialSchema = startSchema.extend({
  trialSectionSeconds: z.number().positive().optional(),
  trialSectionStart: z.number().nonnegative().optional(),
});

const mixSchema = z.object({
  separationId: z.string().min(1),
  tracks: z
    .array(
      z.object({
        fileName: z.string().min(1),
        volume: z.number().min(0).max(1).default(1),
        pan: z.number().min(-1).max(1).default(0),
      }),
    )
    .min(1),
  mixName: z.string().optional(),
});

const zipSchema = z.object({
  separationId: z.string().min(1),
  tracks: z.array(z.string().min(1)).min(1),
  format: z.enum(downloadFormats).default('wav'),
  zipFileName: z.string().optional(),
});

function requiredQuery(value: string | undefined, name: string): string {
  if (!value) throw new HttpError(400, `The query parameter ${name} is required`);
  return value;
}

/** The signed-URL Separation API (specs/sourcere-api.md), paths relative to its base. */
export function createSourcereApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'sourcere', sourcereErrorBody);
  const state = context.store.state;
  const metadataRuns = new Set<string>();

  const startMetadata = (uploadId: string) => {
    const upload = state.sourcereUploads[uploadId];
    if (!upload?.uploaded || upload.metadata || metadataRuns.has(uploadId)) return;
    metadataRuns.add(uploadId);
    context.background(async () => {
      await computeMetadata(context, upload).finally(() => metadataRuns.delete(uploadId));
    });
  };
  context.objectWritten.add((key) => {
    const match = /^sourcere\/([0-9a-f]{24})\/request\/requestData$/.exec(key);
    const upload = match?.[1] ? state.sourcereUploads[match[1]] : undefined;
    if (!upload) return;
    // Metadata is computed lazily, on the first metadata request: an upload never decodes by itself.
    upload.uploaded = true;
    upload.metadata = undefined;
    context.store.changed();
  });

  const separationOf = (id: string | undefined): Separation => {
    const separation = state.separations[requiredQuery(id, 'separationId')];
    if (!separation) throw new HttpError(404, 'No separation with this separationId');
    return separation;
  };

  app.use(tokenMiddleware(context));

  const authenticate = async (hono: Context) => {
    const body = await readBody(hono, credentialsSchema);
    const { username, password } = context.options.credentials;
    if (body.username !== username || body.password !== password) throw new HttpError(401, 'Bad credentials');
    return hono.json({ token: issueToken(context, username), expiry: 86_400, token_type: 'Bearer ' });
  };
  app.post('/auth/', authenticate);
  app.post('/auth', authenticate);

  app.post('/separation/create', (hono) => {
    const id = hexId();
    const key = uploadKey(id);
    state.sourcereUploads[id] = { id, createdAt: new Date().toISOString(), key, uploaded: false };
    context.store.changed();
    const signed = context.signer.sign('PUT', key, context.signedUrlLifetime(linkLifetimeSeconds));
    return hono.json({
      uploadId: id,
      signedUrl: signed.url,
      expiry: zonelessTimestamp(signed.expiresAt),
      method: 'PUT',
    });
  });

  app.get('/separation/metadata', (hono) => {
    const upload = state.sourcereUploads[requiredQuery(hono.req.query('uploadId'), 'uploadId')];
    if (!upload) throw new HttpError(404, 'No upload with this uploadId');
    if (!upload.uploaded) throw new HttpError(404, 'No file has been uploaded to this uploadId yet');
    if (upload.metadata) return hono.json(upload.metadata);
    startMetadata(upload.id);
    return hono.json({ message: 'Metadata is being computed', success: false }, 202);
  });

  const start = (trial: boolean) => async (hono: Context) => {
    const body: z.output<typeof trialSchema> = trial
      ? await readBody(hono, trialSchema)
      : await readBody(hono, startSchema);
    const upload = state.sourcereUploads[body.uploadId];
    if (!upload) throw new HttpError(404, 'No upload with this uploadId');
    if (!upload.uploaded) throw new HttpError(400, 'Upload the file to the signed URL before starting');
    const id = hexId();
    const separation: Separation = {
      id,
      uploadId: upload.id,
      algorithm: body.separationAlgorithm,
      customMetadata: body.customMetadata,
      callbackUrl: body.callbackUrl,
      outputFormats: body.outputFormats,
      createdAt: new Date().toISOString(),
      events: [],
      outputFiles: null,
      attempts: 0,
      derived: {},
    };
    if (trial) separation.trial = { seconds: body.trialSectionSeconds ?? 30, start: body.trialSectionStart };
    state.separations[id] = separation;
    context.store.changed();
    context.background(() => runSeparation(context, separation));
    return hono.json({ separationId: id });
  };
  app.post('/separation/start', start(false));
  app.post('/separation/trial', start(true));

  app.get('/separation/progress', (hono) => {
    const separation = separationOf(hono.req.query('separationId'));
    return hono.json({ events: separation.events, outputFiles: separation.outputFiles });
  });

  app.get('/separation/download', (hono) => {
    const separation = separationOf(hono.req.query('separationId'));
    const fileName = requiredQuery(hono.req.query('fileName'), 'fileName').replace(/^\/+/, '');
    const fileFormat = requiredQuery(hono.req.query('fileFormat'), 'fileFormat')
      .replace(/^\./, '')
      .toLowerCase();
    const pending = () => hono.json({ message: 'The file is being prepared' }, 202);
    const link = (key: string, downloadName: string) => {
      const signed = context.signer.sign(
        'GET',
        key,
        context.signedUrlLifetime(linkLifetimeSeconds),
        downloadName,
      );
      return hono.json({ signedUrl: signed.url, expiry: zonelessTimestamp(signed.expiresAt), method: 'GET' });
    };
    const answer = (name: string) => {
      const file = separation.derived[name];
      if (!file || file.status === 'pending') return pending();
      if (file.status === 'failed')
        throw new HttpError(500, `The file could not be prepared: ${file.message}`);
      return link(file.key, file.downloadName ?? name.split('/').at(-1) ?? name);
    };

    if (fileName.startsWith('zip/')) {
      if (fileFormat !== 'zip') throw new HttpError(400, 'fileFormat must be zip for a zip file');
      if (!separation.derived[fileName]) throw new HttpError(404, 'No zip with this fileName');
      return answer(fileName);
    }
    if (!(downloadFormats as readonly string[]).includes(fileFormat)) {
      throw new HttpError(400, 'fileFormat must be one of mp3, m4a, wav, flac');
    }
    if (fileName.startsWith('mix/')) {
      const master = separation.derived[fileName];
      if (!master) throw new HttpError(404, 'No mix with this fileName');
      if (master.status !== 'ready') return answer(fileName);
      const mixName = master.downloadName ?? fileName.slice(4);
      if (fileFormat === 'wav') return link(master.key, `${mixName}.wav`);
      const name = `${fileName}.${fileFormat}`;
      if (!separation.derived[name]) {
        const key = `sourcere/${separation.id}/${name}`;
        const file = { key, status: 'pending' as const, downloadName: `${mixName}.${fileFormat}` };
        prepare(context, separation, name, file, {
          operation: 'convert',
          path: context.objects.path(master.key),
          format: fileFormat,
        });
      }
      return answer(name);
    }
    const stem = fileName.replace(/\.[a-z0-9]+$/i, '');
    if (!stemNames(separation.algorithm).includes(stem))
      throw new HttpError(404, 'No output file with this fileName');
    if (separation.failure) throw new HttpError(404, `The separation failed: ${separation.failure}`);
    if (!separation.outputFiles) return pending();
    if (fileFormat === 'wav') return link(responseKey(separation.id, `${stem}.wav`), `${stem}.wav`);
    const name = `${stem}.${fileFormat}`;
    if (!separation.derived[name]) {
      const file = { key: responseKey(separation.id, name), status: 'pending' as const };
      prepare(context, separation, name, file, {
        operation: 'convert',
        path: context.objects.path(responseKey(separation.id, `${stem}.wav`)),
        format: fileFormat,
      });
    }
    return answer(name);
  });

  const finished = (separation: Separation): string[] => {
    if (separation.failure) throw new HttpError(400, 'The separation failed');
    if (!separation.outputFiles)
      throw new HttpError(400, 'The separation has not finished: wait for outputFiles');
    return separation.outputFiles;
  };

  app.post('/separation/mix', async (hono) => {
    const body = await readBody(hono, mixSchema);
    const separation = separationOf(body.separationId);
    const outputs = finished(separation);
    const tracks = body.tracks.map((track) => {
      const file = track.fileName.endsWith('.wav') ? track.fileName : `${track.fileName}.wav`;
      if (!outputs.includes(file)) throw new HttpError(404, `No output file named ${track.fileName}`);
      return { file, volume: track.volume, pan: track.pan };
    });
    const id = mixId();
    const file = {
      key: `sourcere/${separation.id}/${id}.wav`,
      status: 'pending' as const,
      downloadName: body.mixName,
    };
    prepare(context, separation, id, file, {
      operation: 'mix',
      tracks: tracks.map((track) => ({
        path: context.objects.path(responseKey(separation.id, track.file)),
        volume: track.volume,
        pan: track.pan,
      })),
    });
    return hono.json({ mixId: id });
  });

  app.post('/separation/zip', async (hono) => {
    const body = await readBody(hono, zipSchema);
    const separation = separationOf(body.separationId);
    const outputs = finished(separation);
    const stems = body.tracks.map((track) => {
      const stem = track.replace(/\.[a-z0-9]+$/i, '');
      if (!outputs.includes(`${stem}.wav`)) throw new HttpError(404, `No output file named ${track}`);
      return stem;
    });
    const path = zipPath();
    const downloadName = `${body.zipFileName ?? path.slice(4, -4)}.zip`;
    const file = { key: `sourcere/${separation.id}/${path}`, status: 'pending' as const, downloadName };
    prepare(context, separation, path, file, {
      operation: 'zip',
      files: stems.map((stem) => ({
        path: context.objects.path(responseKey(separation.id, `${stem}.wav`)),
        name: `${stem}.${body.format}`,
      })),
      format: body.format,
    });
    return hono.json({ zipFilePath: path });
  });

  return app;
}

/** Resumes the work a restart interrupted: metadata is recomputed on demand, separations get a new attempt. */
export function resumeSourcere(context: EmulatorContext): void {
  for (const separation of Object.values(context.store.state.separations)) {
    if (!separation.outputFiles && !separation.failure) {
      context.background(() => runSeparation(context, separation));
    }
    for (const [name, file] of Object.entries(separation.derived)) {
      if (file.status === 'pending') {
        file.status = 'failed';
        file.message = 'interrupted by a restart: request it again';
        delete separation.derived[name];
      }
    }
  }
}
