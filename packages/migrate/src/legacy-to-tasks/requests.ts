import {
  expandLegacyFormat,
  type LegacyJobRequest,
  type LegacyRequestMetadata,
  type TasksTargetRequest,
  type TasksTaskRequest,
} from '@stemkit/audioshake';
import type { DroppedField, MappingResult } from './dropped.ts';
import { legacyModelToTaskModel } from './models.ts';

/** Legacy request fields with no Tasks equivalent, and whether losing them changes the output. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, { reason: string; behaviourChange: boolean }>> = {
  userSessionId: { reason: 'widget-specific; Tasks has no equivalent', behaviourChange: false },
  audioId: { reason: 'widget-specific; Tasks has no equivalent', behaviourChange: false },
  licenseId: { reason: 'Tasks bills the API key’s account; there is no license id', behaviourChange: false },
  maxTrackLength: { reason: 'Tasks always processes the whole track', behaviourChange: true },
  preview: { reason: 'Tasks returns no preview mp3', behaviourChange: true },
  watermarkInterval: { reason: 'Tasks does not watermark outputs', behaviourChange: true },
  priority: { reason: 'Tasks has no priority', behaviourChange: false },
  failureTest: { reason: 'test-only field; Tasks has no equivalent', behaviourChange: false },
  isTestJob: { reason: 'test-only field; Tasks has no equivalent', behaviourChange: false },
  otherAssets: {
    reason: 'its item schema was never documented; Tasks has no equivalent',
    behaviourChange: false,
  },
};
/** Fields the mapping carries over; anything else in `metadata` is reported. */
const MAPPED_FIELDS = new Set([
  'name',
  'stemName',
  'format',
  'language',
  'residual',
  'variant',
  'customProperty',
]);

/**
 * One legacy job request as one Tasks target.
 *
 * @example
 * ```ts
 * const request: LegacyTaskTarget = { legacyAssetId: 'clyx…', target: { model: 'vocals', formats: ['wav'] } };
 * ```
 */
export interface LegacyTaskTarget {
  /** The legacy asset id. It does not carry over: re-upload with `POST /assets`, or pass the link as `url`. */
  readonly legacyAssetId: string;
  /** The `POST /tasks` target the job becomes; `formats` is empty when the job had no `format`. */
  readonly target: TasksTargetRequest;
  /** The job's `customProperty`; a task has one `metadata` string, see {@link legacyRequestsToTasks}. */
  readonly customProperty?: string;
}

/**
 * Maps one legacy `POST /job` body to one Tasks target (see docs/providers/audioshake-tasks.md, "From the legacy API"): `metadata.name` (or
 * `stemMetadata.stemName`)
 * → `model`, `format` → `formats` (`all` → json, txt, srt), `language` (`auto` is the default and omitted),
 * `residual`, `variant`, `otherSourceAssets` transcript → `transcriptAssetId`. `callbackUrl` and the fields
 * Tasks lacks are reported in `dropped`.
 *
 * @example
 * ```ts
 * const { value, dropped } = legacyJobRequestToTarget({
 *   assetId: 'clyx…', metadata: { name: 'vocals', format: 'wav', preview: true }, callbackUrl: 'https://app/hook',
 * });
 * // value.target: { model: 'vocals', formats: ['wav'] }; dropped: callbackUrl, metadata.preview
 * ```
 */
export function legacyJobRequestToTarget(request: LegacyJobRequest): MappingResult<LegacyTaskTarget> {
  const dropped: DroppedField[] = [];
  const [metadataField, metadata] = request.metadata
    ? (['metadata', request.metadata] as const)
    : (['stemMetadata', request.stemMetadata ?? {}] as const);
  const name = metadata.name ?? metadata.stemName;
  if (!name)
    dropped.push({
      field: `${metadataField}.name`,
      reason: 'missing: no model to run',
      behaviourChange: true,
    });
  const model = legacyModelToTaskModel(name ?? '', `${metadataField}.name`);
  dropped.push(...model.dropped);
  dropped.push(...unsupportedFields(metadata, metadataField));
  if (request.callbackUrl) {
    dropped.push({
      field: 'callbackUrl',
      reason:
        'Tasks has no per-job callback: register one account webhook (Dashboard or POST /webhooks) and route by task.id / target.id',
      behaviourChange: true,
    });
  }
  const transcripts = (request.otherSourceAssets ?? []).filter((asset) => asset.type === 'transcription');
  for (const [index, other] of (request.otherSourceAssets ?? []).entries()) {
    if (other.type !== 'transcription' || transcripts.indexOf(other) > 0) {
      dropped.push({
        field: `otherSourceAssets.${index}`,
        reason: `a Tasks target takes one transcript; \`${other.type}\` source assets have no equivalent`,
        behaviourChange: true,
      });
    }
  }
  const transcript = transcripts[0];
  const target: TasksTargetRequest = {
    model: model.value,
    formats: metadata.format ? expandLegacyFormat(metadata.format) : [],
    ...(typeof metadata.residual === 'boolean' ? { residual: metadata.residual } : {}),
    ...(metadata.variant ? { variant: metadata.variant } : {}),
    ...(metadata.language && metadata.language !== 'auto' ? { language: metadata.language } : {}),
    ...(transcript ? { transcriptAssetId: transcript.id } : {}),
  };
  if (!metadata.format)
    dropped.push({
      field: `${metadataField}.format`,
      reason: 'missing: Tasks needs at least one format',
      behaviourChange: true,
    });
  return {
    value: {
      legacyAssetId: request.assetId,
      target,
      ...(metadata.customProperty ? { customProperty: metadata.customProperty } : {}),
    },
    dropped,
  };
}

function unsupportedFields(metadata: LegacyRequestMetadata, metadataField: string): DroppedField[] {
  return Object.entries(metadata)
    .filter(([field, value]) => value !== undefined && value !== null && !MAPPED_FIELDS.has(field))
    .map(([field]) => {
      const known = UNSUPPORTED_FIELDS[field];
      return {
        field: `${metadataField}.${field}`,
        reason: known?.reason ?? 'not a documented legacy field; Tasks has no equivalent',
        behaviourChange: known?.behaviourChange ?? false,
      };
    });
}

/**
 * One consolidated task: the `POST /tasks` body and, for each legacy request that went into it, its index
 * and the index of its target (to keep `legacyJobId → {taskId, targetId}` once the task exists).
 *
 * @example
 * ```ts
 * const plan: ConsolidatedTask = { request: { assetId: 'a', targets: [] }, jobs: [{ requestIndex: 0, targetIndex: 0 }] };
 * ```
 */
export interface ConsolidatedTask {
  /** The `POST /tasks` body: one source, at most `maxTargets` targets, the `customProperty` values. */
  readonly request: TasksTaskRequest;
  /** Each legacy request in the task (index in the input) and its target (index in `request.targets`). */
  readonly jobs: ReadonlyArray<{ readonly requestIndex: number; readonly targetIndex: number }>;
}

/** Options of {@link legacyRequestsToTasks}. */
export interface ConsolidationOptions {
  /** Targets per task (default 10, the documented safe bound). */
  readonly maxTargets?: number;
  /**
   * The Tasks source of each legacy asset id, since legacy ids do not carry over: a re-uploaded `assetId` or
   * the original `url`. Unlisted ids are kept as `assetId` (and reported).
   */
  readonly sources?: Readonly<Record<string, { readonly url: string } | { readonly assetId: string }>>;
}

/** The `metadata` text limit of a task. */
const TASK_METADATA_LIMIT = 4096;

/**
 * Consolidates legacy job requests into tasks: grouped by source, one target per distinct
 * `(model, variant, residual, language, transcript)` with the union of formats, at most `maxTargets` per task;
 * per-job `customProperty` values become the task's `metadata` as a JSON map keyed by target.
 *
 * @example
 * ```ts
 * const { value: tasks } = legacyRequestsToTasks([
 *   { assetId: 'a1', metadata: { name: 'vocals', format: 'wav' } },
 *   { assetId: 'a1', metadata: { name: 'vocals', format: 'mp3' } },
 *   { assetId: 'a1', metadata: { name: 'drums', format: 'wav' } },
 * ], { sources: { a1: { url: 'https://example.com/song.mp3' } } });
 * // one task, targets vocals [wav, mp3] and drums [wav]
 * ```
 */
export function legacyRequestsToTasks(
  requests: readonly LegacyJobRequest[],
  options: ConsolidationOptions = {},
): MappingResult<ConsolidatedTask[]> {
  const maxTargets = options.maxTargets ?? 10;
  const dropped: DroppedField[] = [];
  const groups = new Map<string, Array<{ requestIndex: number; mapped: LegacyTaskTarget }>>();
  for (const [requestIndex, request] of requests.entries()) {
    const mapped = legacyJobRequestToTarget(request);
    dropped.push(...mapped.dropped.map((each) => ({ ...each, field: `${requestIndex}.${each.field}` })));
    const group = groups.get(request.assetId) ?? [];
    group.push({ requestIndex, mapped: mapped.value });
    groups.set(request.assetId, group);
  }
  const tasks: ConsolidatedTask[] = [];
  for (const [legacyAssetId, group] of groups) {
    const source = options.sources?.[legacyAssetId];
    if (!source) {
      dropped.push({
        field: 'assetId',
        reason: `legacy asset ${legacyAssetId} is not valid on Tasks: re-upload it or pass its link (options.sources)`,
        behaviourChange: true,
      });
    }
    const merged = mergeTargets(group, dropped);
    for (let start = 0; start < merged.length; start += maxTargets) {
      const chunk = merged.slice(start, start + maxTargets);
      const properties = chunk.filter((target) => target.customProperty !== undefined);
      const metadata =
        properties.length > 0
          ? JSON.stringify(
              Object.fromEntries(properties.map((target) => [target.key, target.customProperty])),
            )
          : undefined;
      if (metadata && metadata.length > TASK_METADATA_LIMIT) {
        dropped.push({
          field: 'metadata.customProperty',
          reason: `the per-target map exceeds the ${TASK_METADATA_LIMIT}-character task metadata limit`,
          behaviourChange: false,
        });
      }
      tasks.push({
        request: {
          ...(source ?? { assetId: legacyAssetId }),
          targets: chunk.map((target) => target.target),
          ...(metadata && metadata.length <= TASK_METADATA_LIMIT ? { metadata } : {}),
        },
        jobs: chunk
          .flatMap((target, targetIndex) =>
            target.requestIndexes.map((requestIndex) => ({ requestIndex, targetIndex })),
          )
          .sort((left, right) => left.requestIndex - right.requestIndex),
      });
    }
  }
  return { value: tasks, dropped };
}

interface MergedTarget {
  readonly key: string;
  target: TasksTargetRequest;
  customProperty?: string;
  readonly requestIndexes: number[];
}

function mergeTargets(
  group: ReadonlyArray<{ requestIndex: number; mapped: LegacyTaskTarget }>,
  dropped: DroppedField[],
): MergedTarget[] {
  const merged = new Map<string, MergedTarget>();
  for (const { requestIndex, mapped } of group) {
    const key = targetKey(mapped.target);
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, {
        key,
        target: mapped.target,
        requestIndexes: [requestIndex],
        ...(mapped.customProperty === undefined ? {} : { customProperty: mapped.customProperty }),
      });
      continue;
    }
    existing.requestIndexes.push(requestIndex);
    existing.target = {
      ...existing.target,
      formats: [...new Set([...existing.target.formats, ...mapped.target.formats])],
    };
    if (mapped.customProperty === undefined) continue;
    if (existing.customProperty === undefined) existing.customProperty = mapped.customProperty;
    else if (existing.customProperty !== mapped.customProperty) {
      dropped.push({
        field: `${requestIndex}.metadata.customProperty`,
        reason: `merged into target \`${key}\`, which already has a different customProperty`,
        behaviourChange: false,
      });
    }
  }
  return [...merged.values()];
}

/**
 * The key a target is consolidated and its `customProperty` filed under: model, variant, residual, language
 * and transcript, joined by `:` (empty parts left out).
 *
 * @example
 * ```ts
 * targetKey({ model: 'vocals', formats: ['wav'], variant: 'high_quality' }); // 'vocals:high_quality'
 * ```
 */
export function targetKey(target: TasksTargetRequest): string {
  return [
    target.model,
    target.variant,
    target.residual ? 'residual' : undefined,
    target.language,
    target.transcriptAssetId ?? target.transcriptUrl,
  ]
    .filter(Boolean)
    .join(':');
}
