import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { readBody } from '../http/body.ts';
import { type ErrorBody, HttpError, reasonPhrase } from '../http/errors.ts';
import { receiveMultipartFile } from '../http/multipart.ts';
import { sameSecret } from '../http/secrets.ts';
import type { ReplicatePredictionRecord } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { demucsVersions, latestVersions, versionIdOf } from './models.ts';
import { cancelPrediction, runPrediction, whenFinished } from './processing.ts';
import { fileJson, predictionJson, replicateId, webhookSecretOf } from './serialize.ts';

/** Replicate's errors: RFC 7807 problem details. */
const problemBody: ErrorBody = (status, message) => ({
  title: reasonPhrase(status),
  detail: message,
  status,
});

/** The Files API's documented limit: "less than 100MB". */
const maxFileBytes = 100 * 1024 * 1024 - 1;
const pageSize = 100;

const events = z.enum(['start', 'output', 'logs', 'completed']);
const createSchema = z
  .object({
    version: z.string().min(1).max(200).optional(),
    input: z.record(z.string(), z.unknown()),
    webhook: z.url().max(2048).optional(),
    webhook_events_filter: z.array(events).max(4).optional(),
    stream: z.boolean().optional(),
  })
  .strict();

/** The API's base URL as the client called it (its origin and mount), for the absolute URLs it hands out. */
function baseOf(hono: Context): string {
  const url = new URL(hono.req.url);
  const index = url.pathname.search(/\/(predictions|files|webhooks|models)(\/|$)/);
  return url.origin + url.pathname.slice(0, Math.max(0, index));
}

/** `Prefer: wait` / `wait=n` (1–60 s), or none. */
function waitSecondsOf(prefer: string | undefined): number | undefined {
  if (prefer === undefined) return undefined;
  const match = /^wait(?:=([1-9]|[1-9][0-9]))?$/.exec(prefer.trim());
  if (!match) return undefined;
  return Math.min(60, Number(match[1] ?? 60));
}

/** The Replicate predictions API for the Demucs models (docs/providers/replicate.md), paths below `/v1`. */
export function createReplicateApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'replicate', problemBody);
  const state = context.store.state;

  app.use(async (hono, next) => {
    const presented = /^(?:Bearer|Token)\s+(.+)$/i.exec(hono.req.header('authorization') ?? '')?.[1];
    if (!sameSecret(presented, context.options.credentials.replicateApiToken)) {
      throw new HttpError(401, 'You did not pass a valid authentication token');
    }
    await next();
  });

  const predictionOr404 = (id: string) => {
    const prediction = state.replicatePredictions[id];
    if (!prediction) throw new HttpError(404, 'Not found.');
    return prediction;
  };

  const create = async (hono: Context, fixedVersion?: string) => {
    const body = await readBody(hono, createSchema);
    const versionId = fixedVersion ?? versionIdOf(body.version ?? '');
    const version = demucsVersions[versionId];
    if (!version) {
      throw new HttpError(
        422,
        "The specified version does not exist (or perhaps you don't have permission to use it?)",
      );
    }
    const input = body.input;
    if (typeof input.audio !== 'string' || input.audio.length === 0)
      throw new HttpError(422, '- input: audio is required\n');
    const network = input[version.networkField] ?? 'htdemucs';
    if (typeof network !== 'string' || !version.networks.includes(network)) {
      throw new HttpError(
        422,
        `- input.${version.networkField}: must be one of ${version.networks.join(', ')}\n`,
      );
    }
    if (input.output_format !== undefined && !['mp3', 'wav', 'flac'].includes(String(input.output_format))) {
      throw new HttpError(422, '- input.output_format: must be one of mp3, wav, flac\n');
    }
    const base = baseOf(hono);
    const prediction: ReplicatePredictionRecord = {
      id: replicateId(),
      model: version.model,
      version: versionId,
      input: { output_format: 'mp3', ...input },
      status: 'starting',
      output: null,
      error: null,
      logs: '',
      ...(body.webhook ? { webhook: body.webhook } : {}),
      ...(body.webhook_events_filter ? { webhookEventsFilter: body.webhook_events_filter } : {}),
      createdAt: new Date().toISOString(),
      dataRemoved: false,
    };
    state.replicatePredictions[prediction.id] = prediction;
    context.store.changed();
    const done = whenFinished(prediction.id);
    context.background(() => runPrediction(context, base, prediction));
    const wait = waitSecondsOf(hono.req.header('prefer'));
    if (wait !== undefined) {
      await Promise.race([done, context.clock.sleepReal(wait * 1000).catch(() => undefined)]);
    }
    const json = predictionJson(context, base, prediction);
    // A held answer still running says `starting`: the official client's `run()` takes any other status for done.
    if (wait !== undefined && json.output === null && json.status === 'processing') json.status = 'starting';
    const headers: Record<string, string> =
      wait !== undefined && !['succeeded', 'failed', 'canceled'].includes(String(json.status))
        ? { location: `${base}/predictions/${prediction.id}` }
        : {};
    return hono.json(json, 201, headers);
  };

  app.post('/predictions', (hono) => create(hono));
  app.post('/models/:owner/:name/predictions', (hono) => {
    const latest = latestVersions[`${hono.req.param('owner')}/${hono.req.param('name')}`];
    if (!latest) throw new HttpError(404, 'Model not found');
    return create(hono, latest);
  });

  app.get('/predictions', (hono) => {
    const offset = Number(Buffer.from(hono.req.query('cursor') ?? '', 'base64url').toString() || 0);
    if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'Invalid cursor');
    const all = Object.values(state.replicatePredictions).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    const base = baseOf(hono);
    const page = all.slice(offset, offset + pageSize);
    const cursor = (at: number) =>
      `${base}/predictions?cursor=${Buffer.from(String(at)).toString('base64url')}`;
    return hono.json({
      next: offset + pageSize < all.length ? cursor(offset + pageSize) : null,
      previous: offset > 0 ? cursor(Math.max(0, offset - pageSize)) : null,
      results: page.map((prediction) => predictionJson(context, base, prediction)),
    });
  });

  app.get('/predictions/:id', (hono) =>
    hono.json(predictionJson(context, baseOf(hono), predictionOr404(hono.req.param('id')))),
  );

  app.post('/predictions/:id/cancel', (hono) => {
    const prediction = predictionOr404(hono.req.param('id'));
    cancelPrediction(context, baseOf(hono), prediction);
    return hono.json(predictionJson(context, baseOf(hono), prediction));
  });

  app.get('/webhooks/default/secret', (hono) => hono.json({ key: webhookSecretOf(context) }));

  app.post('/files', async (hono) => {
    const id = replicateId();
    const key = storageKey('replicate', 'files', id);
    const limit = Math.min(maxFileBytes, context.options.maxUploadBytes);
    const file = await receiveMultipartFile(hono.req.raw, context.objects, key, limit, 'content').catch(
      (error: unknown) => {
        if (error instanceof HttpError && error.status === 413) {
          throw new HttpError(413, 'Files must be less than 100MB in size');
        }
        throw error;
      },
    );
    // The checksum reads the stored file back: bounded by the limit above.
    const bytes = await context.objects.readBytes(key);
    const record = {
      id,
      name: file.fileName,
      contentType: file.mimeType || 'application/octet-stream',
      size: file.size,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      key,
      createdAt: new Date().toISOString(),
    };
    state.replicateFiles[id] = record;
    context.store.changed();
    return hono.json(fileJson(baseOf(hono), record), 201);
  });

  app.get('/files', (hono) =>
    hono.json({
      next: null,
      previous: null,
      results: Object.values(state.replicateFiles).map((file) => fileJson(baseOf(hono), file)),
    }),
  );
  app.get('/files/:id', (hono) => {
    const file = state.replicateFiles[hono.req.param('id')];
    if (!file) throw new HttpError(404, 'File not found');
    return hono.json(fileJson(baseOf(hono), file));
  });
  app.delete('/files/:id', (hono) => {
    if (!state.replicateFiles[hono.req.param('id')]) throw new HttpError(404, 'File not found');
    delete state.replicateFiles[hono.req.param('id')];
    context.store.changed();
    return hono.body(null, 204);
  });

  return app;
}

/** Resumes predictions a restart interrupted. */
export function resumeReplicate(context: EmulatorContext): void {
  for (const prediction of Object.values(context.store.state.replicatePredictions)) {
    if (prediction.status === 'starting' || prediction.status === 'processing') {
      // The base URL of the original request is gone: webhooks carry the API's default mount.
      context.background(() => runPrediction(context, 'http://127.0.0.1/replicate/v1', prediction));
    }
  }
}
