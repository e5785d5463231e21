import { type Asset, type AssetRole, inferOutputRole, withoutUndefined } from '@stemkit/core/driver';
import { stemOfModel } from './catalog.ts';

// Outputs as both APIs describe them: the kit infers residuals and text outputs; the models name the rest.

/** The role an AudioShake model gives its outputs, where it is not a stem. */
function roleOfModel(model: string | undefined): AssetRole | undefined {
  if (model === 'transcription') return 'transcript';
  if (model === 'alignment') return 'alignment';
  if (model === 'music_detection') return 'detection';
  return undefined;
}

/** The fields of an AudioShake output, on either API. */
export interface OutputDescription {
  readonly id: string;
  readonly name: string;
  readonly model?: string;
  readonly format?: string;
  readonly mimeType?: string;
  readonly url?: string;
  readonly expiresAt?: string;
  readonly provider: string;
  readonly raw: unknown;
}

/** A neutral output asset: its role and stem follow from the model that made it. */
export function outputAsset(output: OutputDescription): Asset {
  return withoutUndefined({
    id: output.id,
    name: output.name,
    role: inferOutputRole(output.name, output.format, roleOfModel(output.model)),
    stem: output.model === undefined ? undefined : stemOfModel(output.model),
    format: output.format,
    mimeType: output.mimeType,
    url: output.url,
    expiresAt: output.expiresAt,
    provider: output.provider,
    raw: output.raw,
  });
}
