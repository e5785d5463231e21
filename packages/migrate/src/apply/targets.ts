import { stemOfModel } from '@stemkit/audioshake';
import type { Job } from '@stemkit/core';
import type { TargetRequest } from '@stemkit/core/driver';
import type { CreatedTarget } from '../journal/journal.ts';
import type { PlannedTarget } from '../plan/schema.ts';

/**
 * A planned target as a neutral target request for the driver.
 *
 * @example
 * ```ts
 * targetRequestOf({ model: 'vocals', formats: ['wav'], variant: 'high_quality' }, 'audioshake-tasks');
 * ```
 */
export function targetRequestOf(target: PlannedTarget, provider: string): TargetRequest {
  const transcript = target.transcriptUrl
    ? { url: target.transcriptUrl }
    : target.transcriptAssetId
      ? {
          asset: {
            id: target.transcriptAssetId,
            name: target.transcriptAssetId,
            role: 'transcript' as const,
            provider,
            raw: {},
          },
        }
      : undefined;
  return {
    stem: stemOfModel(target.model),
    formats: target.formats,
    ...(target.residual === undefined ? {} : { residual: target.residual }),
    ...(target.variant === undefined ? {} : { variant: target.variant }),
    ...(target.language === undefined ? {} : { language: target.language }),
    ...(transcript ? { transcript } : {}),
  };
}

/**
 * The targets of a created job, as the journal records them.
 *
 * @example
 * ```ts
 * createdTargetsOf(job); // [{ id: 'cmiy…', stem: 'vocals', variant: 'high_quality' }]
 * ```
 */
export function createdTargetsOf(job: Job): CreatedTarget[] {
  return job.targets.map((target) => ({
    id: target.id,
    stem: target.stem,
    ...(target.options?.variant ? { variant: target.options.variant } : {}),
    ...(target.options?.residual ? { residual: true } : {}),
    ...(target.options?.language ? { language: target.options.language } : {}),
  }));
}

/**
 * Pairs each planned target with a created one (Tasks echoes no client key per target, so targets
 * are matched on model, variant, residual — and language — in order). Returns the created target id for each
 * planned index, `undefined` where none matched.
 */
export function matchTargets(
  planned: readonly PlannedTarget[],
  created: readonly CreatedTarget[],
): Array<string | undefined> {
  const used = new Set<number>();
  return planned.map((target) => {
    const wanted = identity({
      stem: stemOfModel(target.model),
      variant: target.variant,
      residual: target.residual,
      language: target.language,
    });
    const index = created.findIndex((each, position) => !used.has(position) && identity(each) === wanted);
    if (index < 0) return undefined;
    used.add(index);
    return created[index]?.id;
  });
}

function identity(target: {
  stem: string;
  variant?: string | undefined;
  residual?: boolean | undefined;
  language?: string | undefined;
}): string {
  return [target.stem, target.variant ?? '', target.residual ? 'residual' : '', target.language ?? ''].join(
    '\u0000',
  );
}
