import { sniffFormat } from '@stemkit/audio';
import type { Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { readBody } from '../http/body.ts';
import { audioshakeErrorBody, HttpError } from '../http/errors.ts';
import { isReachableHost } from '../http/hosts.ts';
import { receiveMultipartFile } from '../http/multipart.ts';
import { httpUrl, modelName } from '../http/schemas.ts';
import { sameSecret } from '../http/secrets.ts';
import { cuid } from '../ids.ts';
import { extensionOf } from '../processing/formats.ts';
import { acceptsFormat } from '../processing/models.ts';
import type { Task, TaskTarget } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { runTask } from './processing.ts';
import { rateLimitMiddleware } from './rate-limit.ts';
import { assetLifetimeMilliseconds, taskJson, tasksAssetJson } from './serialize.ts';

const loopbackUrl = z.url().refine(isReachableHost, {
  message: 'the emulator fetches only loopback (127.0.0.1, localhost) or .test URLs',
});

const targetSchema = z.object({
  model: modelName,
  formats: z.array(z.string().min(1)).min(1),
  residual: z.boolean().optional(),
  variant: modelName.optional(),
  language: z.string().min(2).optional(),
  transcriptUrl: loopbackUrl.optional(),
  transcriptAssetId: z.string().min(1).optional(),
});

const webhookSchema = z.object({ url: httpUrl });

/** The Tasks API (docs/providers/audioshake-tasks.md), paths relative to its base. */
export function createTasksApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'tasks', audioshakeErrorBody);
  const state = context.store.state;
  const taskSchema = z
    .object({
      url: loopbackUrl.optional(),
      assetId: z.string().min(1).optional(),
      targets: z.array(targetSchema).min(1).max(context.options.tasksMaxTargets),
      metadata: z.string().max(4096).optional(),
    })
    .refine((body) => (body.url === undefined) !== (body.assetId === undefined), {
      message: 'provide exactly one source: url or assetId',
      path: ['assetId'],
    });

  app.use(rateLimitMiddleware(() => context.options.tasksRateLimit));
  app.use(async (hono, next) => {
    if (!sameSecret(hono.req.header('x-api-key'), context.options.credentials.tasksApiKey)) {
      throw new HttpError(401, 'Missing or incorrect API key: send x-api-key');
    }
    await next();
  });

  const liveAsset = (id: string) => {
    const asset = state.tasksAssets[id];
    if (!asset || Date.now() - Date.parse(asset.createdAt) > assetLifetimeMilliseconds) return undefined;
    return asset;
  };

  app.post('/assets', async (hono) => {
    const id = cuid();
    const key = storageKey('tasks', 'assets', id);
    const file = await receiveMultipartFile(
      hono.req.raw,
      context.objects,
      key,
      context.options.maxUploadBytes,
    );
    const head = (await context.objects.readBytesHead(key)) ?? new Uint8Array();
    const format = extensionOf(file.fileName) ?? sniffFormat(head) ?? 'bin';
    const asset = { id, name: file.fileName, format, key, createdAt: new Date().toISOString() };
    state.tasksAssets[id] = asset;
    context.store.changed();
    return hono.json(tasksAssetJson(context, asset));
  });

  app.get('/assets', (hono) =>
    hono.json(
      Object.values(state.tasksAssets)
        .filter((asset) => liveAsset(asset.id))
        .map((asset) => tasksAssetJson(context, asset)),
    ),
  );

  app.post('/tasks', async (hono) => {
    const body = await readBody(hono, taskSchema);
    if (body.assetId !== undefined && !liveAsset(body.assetId)) {
      throw new HttpError(404, 'No asset with this assetId (assets expire after 72 hours)');
    }
    const id = cuid();
    const now = new Date().toISOString();
    const targets = body.targets.map((target, index): TaskTarget => {
      for (const format of target.formats) {
        if (!acceptsFormat(target.model, format)) {
          throw new HttpError(
            400,
            `targets.${index}.formats: ${format} is not available for ${target.model}`,
          );
        }
      }
      if (target.transcriptAssetId !== undefined && !liveAsset(target.transcriptAssetId)) {
        throw new HttpError(404, `targets.${index}.transcriptAssetId: no such asset`);
      }
      return {
        id: cuid(),
        model: target.model,
        formats: target.formats,
        residual: target.residual ?? null,
        variant: target.variant ?? null,
        language: target.language ?? null,
        transcriptUrl: target.transcriptUrl,
        transcriptAssetId: target.transcriptAssetId,
        status: 'processing',
        error: null,
        output: [],
        cost: null,
        duration: null,
        createdAt: now,
        updatedAt: now,
      };
    });
    const task: Task = {
      id,
      clientId: state.clientId,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      assetId: body.assetId,
      url: body.url,
      metadata: body.metadata,
      targets,
    };
    state.tasks[id] = task;
    context.store.changed();
    runTask(context, task);
    return hono.json(taskJson(context, task));
  });

  app.get('/tasks', (hono) => {
    const skip = Number(hono.req.query('skip') ?? 0);
    const take = Number(hono.req.query('take') ?? hono.req.query('limit') ?? 10);
    if (!Number.isInteger(skip) || skip < 0) throw new HttpError(400, 'skip must be an integer ≥ 0');
    if (!Number.isInteger(take) || take < 1 || take > 100)
      throw new HttpError(400, 'take must be an integer 1–100');
    const tasks = Object.values(state.tasks).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return hono.json(tasks.slice(skip, skip + take).map((task) => taskJson(context, task)));
  });

  app.get('/tasks/statistics', (hono) => {
    const name = hono.req.query('name') ?? 'usage';
    const targets = Object.values(state.tasks).flatMap((task) =>
      task.targets.filter((target) => target.status === 'completed').map((target) => ({ task, target })),
    );
    const minutes = (list: typeof targets) =>
      (list.reduce((sum, { target }) => sum + (target.duration ?? 0), 0) / 60).toFixed(2);
    if (name === 'usage') {
      const months = [...new Set(targets.map(({ task }) => task.createdAt.slice(0, 7)))].sort();
      return hono.json(
        months.map((month) => {
          const ofMonth = targets.filter(({ task }) => task.createdAt.startsWith(month));
          return { month, totalTargets: ofMonth.length, totalMinutes: minutes(ofMonth) };
        }),
      );
    }
    if (name === 'distribution') {
      const models = [...new Set(targets.map(({ target }) => target.model))].sort();
      return hono.json(
        models.map((model) => {
          const ofModel = targets.filter(({ target }) => target.model === model);
          return { model, totalTargets: ofModel.length, totalMinutes: minutes(ofModel) };
        }),
      );
    }
    throw new HttpError(400, 'name must be usage or distribution');
  });

  app.get('/tasks/:id', (hono) => {
    const task = state.tasks[hono.req.param('id')];
    if (!task) throw new HttpError(404, 'Task not found');
    return hono.json(taskJson(context, task));
  });

  app.post('/webhooks', async (hono) => {
    const body = await readBody(hono, webhookSchema);
    state.tasksWebhookUrl = body.url;
    context.store.changed();
    return hono.json({ url: body.url });
  });
  app.get('/webhooks', (hono) => hono.json(state.tasksWebhookUrl ? [{ url: state.tasksWebhookUrl }] : []));

  return app;
}

/** Resumes targets a restart interrupted. */
export function resumeTasks(context: EmulatorContext): void {
  for (const task of Object.values(context.store.state.tasks)) {
    if (task.targets.some((target) => target.status === 'processing')) runTask(context, task);
  }
}
