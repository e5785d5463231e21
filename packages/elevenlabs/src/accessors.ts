import type { Asset } from '@stemkit/core/driver';
import type { ElevenLabsOutputFormat } from './wire.ts';

/** The provider's fields of an ElevenLabs output: the ZIP entry it came from and the `output_format`. */
export interface ElevenLabsOutputRaw {
  /** The entry name in the ZIP (`vocals.mp3`); absent on the archive itself. */
  readonly entry?: string;
  /** The `output_format` of the call. */
  readonly outputFormat: ElevenLabsOutputFormat;
}

/**
 * Typed access to an ElevenLabs output's `raw`; `undefined` for an asset of another provider.
 *
 * @example
 * ```ts
 * elevenLabsOutput(job.targets[0]!.outputs[0]!)?.entry; // 'vocals.mp3'
 * ```
 */
export function elevenLabsOutput(asset: Asset): ElevenLabsOutputRaw | undefined {
  if (asset.provider !== 'elevenlabs' || typeof asset.raw !== 'object' || asset.raw === null)
    return undefined;
  return asset.raw as ElevenLabsOutputRaw;
}
