import type { Context, Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { readBody } from '../http/body.ts';
import { HttpError, sourcereErrorBody } from '../http/errors.ts';
import { sourcereCallbackUrl } from '../http/schemas.ts';
import { sameSecret } from '../http/secrets.ts';
import { hexId } from '../ids.ts';
import type { Separation } from '../state/records.ts';
import { dictionary } from '../state/store.ts';
import { zonelessTimestamp } from '../time.ts';
import { issueToken, tokenMiddleware } from './auth.ts';
import { downloadFormats, registerFileRoutes } from './files.ts';
import { requiredQuery, separationOf } from './lookup.ts';
import { computeMetadata, runSeparation, uploadKey } from './processing.ts';

/** Signed links live a day, as in the documented examples. */
const linkLifetimeSeconds = 86_400;

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
  callbackUrl: sourcereCallbackUrl.optional(),
  outputFormats: outputFormatsSchema.optional(),
  priority: z.string().optional(),
  priorityOffset: z.number().optional(),
});

const trialSchema = startSchema.extend({
  trialSectionSeconds: z.number().positive().optional(),
  trialSectionStart: z.number().nonnegative().optional(),
});

/** The signed-URL Separation API (docs/providers/sourcere.md), paths relative to its base. */
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

  app.use(tokenMiddleware(context));

  const authenticate = async (hono: Context) => {
    const body = await readBody(hono, credentialsSchema);
    const { username, password } = context.options.credentials;
    // Both compared, always: the time taken tells nothing about which one was wrong.
    const valid = [sameSecret(body.username, username), sameSecret(body.password, password)];
    if (!valid.every(Boolean)) throw new HttpError(401, 'Bad credentials');
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
      derived: dictionary(),
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
    const separation = separationOf(context, hono.req.query('separationId'));
    return hono.json({ events: separation.events, outputFiles: separation.outputFiles });
  });

  registerFileRoutes(app, context);

  return app;
}

/** Resumes the work a restart interrupted: metadata is recomputed on demand, separations get a new attempt. */
export function resumeSourcere(context: EmulatorContext): void {
  for (const separation of Object.values(context.store.state.separations)) {
    if (!separation.outputFiles && !separation.failure) {
      context.background(() => runSeparation(context, separation));
    }
    // What was being prepared is forgotten: the next request for it starts it again.
    for (const [name, file] of Object.entries(separation.derived)) {
      if (file.status === 'pending') delete separation.derived[name];
    }
  }
}
