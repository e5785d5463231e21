import { sniffFormat } from '@stemkit/audio';
import type { Context, Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { readBody } from '../http/body.ts';
import { audioshakeErrorBody, HttpError } from '../http/errors.ts';
import { receiveMultipartFile } from '../http/multipart.ts';
import { displayName, httpUrl, modelName } from '../http/schemas.ts';
import { sameSecret } from '../http/secrets.ts';
import { cuid } from '../ids.ts';
import { fetchToStorage, nameFromLink } from '../processing/fetch-source.ts';
import { extensionOf, mimeType } from '../processing/formats.ts';
import { acceptsFormat } from '../processing/models.ts';
import type { LegacyAsset, LegacyJob } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { jobFormats, runLegacyJob } from './jobs.ts';
import { assetJson, jobJson } from './serialize.ts';

const linkSchema = z.object({ link: httpUrl, name: displayName.optional() });

const metadataSchema = z.looseObject({
  name: modelName,
  format: z.string().min(1),
  residual: z.boolean().optional(),
  language: z.union([z.string().regex(/^[a-zA-Z]{2}$/), z.literal('auto')]).optional(),
  variant: modelName.optional(),
  customProperty: z.string().max(1000).optional(),
});

const jobSchema = z
  .object({
    assetId: z.string().min(8).max(30),
    metadata: metadataSchema.optional(),
    stemMetadata: z
      .looseObject({ stemName: modelName, format: z.string().min(1), variant: modelName.optional() })
      .optional(),
    callbackUrl: httpUrl.optional(),
    otherSourceAssets: z
      .array(
        z.object({ id: z.string().min(1), type: z.literal('transcription'), name: z.string().optional() }),
      )
      .optional(),
  })
  .refine((body) => body.metadata || body.stemMetadata, {
    message: 'metadata (name, format) is required',
    path: ['metadata'],
  });

/** The legacy job/asset API (docs/providers/audioshake-legacy.md), paths relative to its base. */
export function createLegacyApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'legacy', audioshakeErrorBody);
  const state = context.store.state;
  const getCalls = new Map<string, number>();

  app.use(async (hono, next) => {
    if (!sameSecret(hono.req.header('authorization'), `Bearer ${context.options.credentials.legacyToken}`)) {
      throw new HttpError(401, 'Missing or invalid token: send Authorization: Bearer <token>');
    }
    await next();
  });

  const storeAsset = async (key: string, id: string, name: string, declaredType?: string) => {
    const head = (await context.objects.readBytesHead(key)) ?? new Uint8Array();
    const format = extensionOf(name) ?? sniffFormat(head) ?? 'bin';
    const fileType =
      declaredType && declaredType !== 'application/octet-stream' ? declaredType : mimeType(format);
    const asset: LegacyAsset = {
      id,
      name,
      format,
      fileType,
      key,
      clientId: state.clientId,
      createdAt: new Date().toISOString(),
    };
    state.legacyAssets[id] = asset;
    context.store.changed();
    return asset;
  };

  const upload = async (hono: Context) => {
    const id = cuid();
    const key = storageKey('legacy', 'assets', id);
    const file = await receiveMultipartFile(
      hono.req.raw,
      context.objects,
      key,
      context.options.maxUploadBytes,
    );
    return hono.json(assetJson(context, await storeAsset(key, id, file.fileName, file.mimeType)));
  };
  app.post('/upload', upload);
  app.post('/upload/', upload);

  const uploadLink = async (hono: Context) => {
    const body = await readBody(hono, linkSchema);
    const id = cuid();
    const key = storageKey('legacy', 'assets', id);
    await fetchToStorage(context, body.link, key);
    return hono.json(assetJson(context, await storeAsset(key, id, body.name ?? nameFromLink(body.link))));
  };
  app.post('/upload/link', uploadLink);
  app.post('/upload/audio-link', uploadLink);

  const createJob = async (hono: Context) => {
    const body = await readBody(hono, jobSchema);
    const requested = body.metadata ?? {
      ...body.stemMetadata,
      name: String(body.stemMetadata?.stemName),
      format: String(body.stemMetadata?.format),
    };
    const { name, format } = requested;
    for (const each of jobFormats(format)) {
      if (!acceptsFormat(name, each))
        throw new HttpError(400, `metadata.format: ${format} is not available for ${name}`);
    }
    if (!state.legacyAssets[body.assetId]) throw new HttpError(404, 'No asset with this assetId');
    for (const other of body.otherSourceAssets ?? []) {
      if (!state.legacyAssets[other.id]) throw new HttpError(404, `No asset with the id ${other.id}`);
    }
    const id = cuid();
    const now = new Date().toISOString();
    const job: LegacyJob = {
      id,
      clientId: state.clientId,
      requestId: id,
      licenseId: '',
      createdAt: now,
      updatedAt: now,
      assetId: body.assetId,
      callbackUrl: body.callbackUrl,
      metadata: requested,
      otherSourceAssets: body.otherSourceAssets ?? [],
      status: 'created',
      statusInfo: {},
      outputAssetIds: [],
    };
    state.legacyJobs[id] = job;
    context.store.changed();
    context.background(() => runLegacyJob(context, job));
    return hono.json({ job: jobJson(context, job) });
  };
  app.post('/job', createJob);
  app.post('/job/', createJob);

  // Undocumented: clients ping it to validate a token.
  app.get('/job/', (hono) => hono.json({ message: 'Token is valid', clientId: state.clientId }));

  app.get('/job/:id', (hono) => {
    const job = state.legacyJobs[hono.req.param('id')];
    if (!job) throw new HttpError(404, 'Job not found');
    const race = context.faults.options.notFoundAfterCreate;
    if (race) {
      const calls = (getCalls.get(job.id) ?? 0) + 1;
      getCalls.set(job.id, calls);
      const young =
        race.milliseconds !== undefined && Date.now() - Date.parse(job.createdAt) < race.milliseconds;
      if (young || (race.calls !== undefined && calls <= race.calls))
        throw new HttpError(404, 'Job not found');
    }
    return hono.json({ job: jobJson(context, job) });
  });

  app.post('/usage', (hono) => {
    const months: string[] = [];
    const today = new Date();
    for (let back = 2; back >= 0; back -= 1) {
      const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));
      months.push(month.toISOString().slice(0, 7));
    }
    const jobs = Object.values(state.legacyJobs);
    const usage = months.map((month) => {
      const ofMonth = jobs.filter((job) => job.createdAt.startsWith(month));
      const seconds = ofMonth.reduce((sum, job) => sum + (job.durationSeconds ?? 0), 0);
      return { month, totalJobs: ofMonth.length, totalMinutes: Math.round((seconds / 60) * 100) / 100 };
    });
    return hono.json({ clientId: state.clientId, usage });
  });

  return app;
}

/** Resumes jobs a restart interrupted. */
export function resumeLegacy(context: EmulatorContext): void {
  for (const job of Object.values(context.store.state.legacyJobs)) {
    if (job.status === 'created' || job.status === 'processing')
      context.background(() => runLegacyJob(context, job));
  }
}
