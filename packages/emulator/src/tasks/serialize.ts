import type { EmulatorContext } from '../context.ts';
import type { Task, TasksAsset } from '../state/records.ts';

/** Tasks output links expire after an hour, as documented; faults can shorten it. */
const linkLifetimeSeconds = 3600;
/** Assets are deleted 72 h after upload. */
export const assetLifetimeMilliseconds = 72 * 3600 * 1000;

/** An asset as `POST /assets` and `GET /assets` return it. */
export function tasksAssetJson(context: EmulatorContext, asset: TasksAsset): Record<string, unknown> {
  const link = context.signer.sign(
    'GET',
    asset.key,
    context.signedUrlLifetime(linkLifetimeSeconds),
    asset.name,
  );
  return {
    id: asset.id,
    format: asset.format,
    name: asset.name,
    link: link.url,
    createdAt: asset.createdAt,
    expiresAt: new Date(Date.parse(asset.createdAt) + assetLifetimeMilliseconds).toISOString(),
  };
}

/** A task as `GET /tasks/:id` returns it and the webhook posts it, with fresh output links. */
export function taskJson(context: EmulatorContext, task: Task): Record<string, unknown> {
  const lifetime = context.signedUrlLifetime(linkLifetimeSeconds);
  const cost = task.targets.reduce((sum, target) => sum + (target.cost ?? 0), 0);
  const json: Record<string, unknown> = {
    id: task.id,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    completedAt: task.completedAt,
    clientId: task.clientId,
    cost,
    assetId: task.assetId,
    url: task.url,
    metadata: task.metadata,
    targets: task.targets.map((target) => ({
      id: target.id,
      taskId: task.id,
      url: task.url,
      createdAt: target.createdAt,
      updatedAt: target.updatedAt,
      model: target.model,
      variant: target.variant,
      status: target.status,
      formats: target.formats,
      residual: target.residual,
      language: target.language,
      transcriptUrl: target.transcriptUrl,
      transcriptAssetId: target.transcriptAssetId,
      error: target.error,
      cost: target.cost,
      duration: target.duration,
      output: target.output.map((file) => ({
        name: file.name,
        format: file.format,
        type: file.type,
        link: context.signer.sign('GET', file.key, lifetime, `${file.name}.${file.format}`).url,
      })),
    })),
  };
  return JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
}
