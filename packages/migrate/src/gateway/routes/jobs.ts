import { expandLegacyFormat, stemOfModel } from '@stemkit/audioshake';
import {
  type DriverCapabilities,
  type Failure,
  InvalidArgumentError,
  UnsupportedCapabilityError,
} from '@stemkit/core';
import type { TargetRequest } from '@stemkit/core/driver';
import type { Context, Hono } from 'hono';
import * as z from 'zod/mini';
import { readJsonBody } from '../body.ts';
import { baseOf, type GatewayContext, jobBody, observe } from '../context.ts';
import { GatewayHttpError } from '../errors.ts';
import type { CallbackFollower } from '../follower.ts';
import { legacyStyleId } from '../ids.ts';
import type { GatewayJob } from '../store.ts';

/** A name that becomes part of output file names: a model or a variant. */
const ModelNameSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and - only (at most 64)'));

/** Where a callback may go: an http(s) URL (never `javascript:`, `file:`…). */
const CallbackUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const MetadataSchema = z.looseObject({
  name: z.optional(ModelNameSchema),
  stemName: z.optional(ModelNameSchema),
  format: z.optional(z.string()),
  residual: z.optional(z.boolean()),
  variant: z.optional(ModelNameSchema),
  language: z.optional(z.string()),
  customProperty: z.optional(z.string()),
});

const JobBodySchema = z.object({
  assetId: z.string().check(z.minLength(8), z.maxLength(30)),
  metadata: z.optional(MetadataSchema),
  stemMetadata: z.optional(MetadataSchema),
  callbackUrl: z.optional(CallbackUrlSchema),
  otherSourceAssets: z.optional(
    z.array(z.object({ id: z.string(), type: z.string(), name: z.optional(z.string()) })),
  ),
});

/**
 * The job routes: `POST /job` (one legacy job is one backend job with one target), `GET /job/` (the token ping),
 * `GET /job/:id` (the status mapped back; what it sees is told to the callback by `follower`) and `POST /usage`.
 */
export function jobRoutes(app: Hono, context: GatewayContext, follower: CallbackFollower): void {
  const { driver, client, store, clientId } = context;

  const createJob = async (hono: Context) => {
    const parsed = z.safeParse(JobBodySchema, await readJsonBody(hono.req.raw));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatewayHttpError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message}`);
    }
    const body = parsed.data;
    const requested = body.metadata ?? body.stemMetadata;
    const name = requested?.name ?? requested?.stemName;
    if (!requested || !name || !requested.format)
      throw new GatewayHttpError(400, 'metadata: name and format are required');
    const metadata = { ...requested, name };
    delete metadata.stemName;
    const asset = await store.getAsset(body.assetId);
    if (!asset) throw new GatewayHttpError(404, 'No asset with this assetId');
    const transcriptId = body.otherSourceAssets?.find((other) => other.type === 'transcription')?.id;
    const transcript = transcriptId === undefined ? undefined : await store.getAsset(transcriptId);
    if (transcriptId !== undefined && !transcript)
      throw new GatewayHttpError(404, `No asset with the id ${transcriptId}`);
    const target: TargetRequest = {
      stem: stemOfModel(name),
      formats: expandLegacyFormat(requested.format),
      ...(requested.residual === undefined ? {} : { residual: requested.residual }),
      ...(requested.variant === undefined ? {} : { variant: requested.variant }),
      ...(requested.language === undefined || requested.language === 'auto'
        ? {}
        : { language: requested.language }),
      ...(transcript ? { transcript: transcript.source } : {}),
    };
    const now = new Date().toISOString();
    let failure: Failure | undefined = refusal(driver.provider, driver.capabilities, target);
    let started: Awaited<ReturnType<typeof driver.start>> | undefined;
    if (!failure) {
      try {
        started = await driver.start(
          {
            source: asset.source,
            targets: [target],
            ...(requested.customProperty === undefined ? {} : { metadata: requested.customProperty }),
          },
          { signal: hono.req.raw.signal },
        );
      } catch (error) {
        if (!InvalidArgumentError.isInstance(error) && !UnsupportedCapabilityError.isInstance(error))
          throw error;
        failure = {
          code: 501,
          message: `The ${driver.provider} backend cannot run this job: ${error.message}`,
        };
      }
    }
    const record: GatewayJob = {
      id: legacyStyleId(),
      assetId: asset.id,
      metadata,
      ...(body.callbackUrl ? { callbackUrl: body.callbackUrl } : {}),
      createdAt: now,
      updatedAt: now,
      ...(started ? { handle: started.handle } : {}),
      ...(failure ? { failure } : {}),
    };
    await store.putJob(record);
    await observe(context, record, started?.job);
    const base = baseOf(context, hono);
    if (record.callbackUrl) follower.follow(record, base, started?.job, true);
    return hono.json(await jobBody(context, record, started?.job, base));
  };
  app.post('/job', createJob);
  app.post('/job/', createJob);

  // Undocumented: legacy clients ping it to validate a token.
  app.get('/job/', (hono) => hono.json({ message: 'Token is valid', clientId }));

  app.get('/job/:id', async (hono) => {
    const record = await store.getJob(hono.req.param('id'));
    if (!record) throw new GatewayHttpError(404, 'Job not found');
    const job = record.handle ? await client.get(record.handle, { signal: hono.req.raw.signal }) : undefined;
    await observe(context, record, job);
    const base = baseOf(context, hono);
    follower.polled(record, job, base);
    return hono.json(await jobBody(context, record, job, base));
  });

  app.post('/usage', async (hono) => {
    const today = new Date();
    const monthStart = (back: number) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1)).toISOString();
    // Minutes are the backend's own figures, where it reports usage (the Tasks and legacy APIs); a backend
    // without usage statistics (Sourcere) has none to give, and the month reads 0.
    const minutes = new Map<string, number>();
    if (client.capabilities.usage) {
      const backend = await client.usage({ signal: hono.req.raw.signal });
      for (const month of backend.months) minutes.set(month.month, month.minutes);
    }
    const usage = await Promise.all(
      [2, 1, 0].map(async (back) => {
        const month = monthStart(back).slice(0, 7);
        return {
          month,
          totalJobs: await store.countJobs(monthStart(back), monthStart(back - 1)),
          totalMinutes: minutes.get(month) ?? 0,
        };
      }),
    );
    return hono.json({ clientId, usage });
  });
}

/** Why the backend cannot run a target, judged from its declared capabilities; `undefined` when it can. */
function refusal(
  provider: string,
  capabilities: DriverCapabilities,
  target: TargetRequest,
): Failure | undefined {
  const refuse = (what: string) => ({ code: 501, message: `The ${provider} backend cannot ${what}` });
  if (target.stem === 'transcription' && !capabilities.transcription) return refuse('transcribe');
  if (target.stem === 'alignment' && !capabilities.alignment) return refuse('align lyrics');
  if (capabilities.stems !== 'any' && !capabilities.stems.includes(target.stem))
    return refuse(`produce ${target.stem}`);
  const format = target.formats.find((each) => !capabilities.formats.includes(each));
  if (format) return refuse(`deliver ${format}`);
  if (target.residual && !capabilities.residual) return refuse('return a residual');
  if ((target.variant && !capabilities.variants) || (target.language && !capabilities.languages)) {
    return refuse(target.variant ? `run the ${target.variant} variant` : 'take a language');
  }
  return undefined;
}
