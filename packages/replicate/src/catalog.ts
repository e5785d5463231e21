import {
  InvalidArgumentError,
  type OutputFormat,
  type StartRequest,
  type StemName,
} from '@stemkit/core/driver';
import type { ReplicateDemucsModel } from './options.ts';

/** The pinned version of each Demucs model whose input schema this driver writes (see docs/providers/replicate.md). */
export const DEMUCS_VERSIONS: Readonly<Record<ReplicateDemucsModel, string>> = {
  'ryan5453/demucs': '5a7041cc9b82e5a558fea6b3d7b12dea89625e89da33f0447bd727c2d0ab9e77',
  'cjwbw/demucs': '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953',
};

/** The Demucs networks each model accepts. */
export const DEMUCS_NETWORKS: Readonly<Record<ReplicateDemucsModel, readonly string[]>> = {
  'ryan5453/demucs': ['htdemucs', 'htdemucs_ft', 'htdemucs_6s', 'hdemucs_mmi', 'mdx_q', 'mdx_extra_q'],
  'cjwbw/demucs': [
    'htdemucs',
    'htdemucs_ft',
    'htdemucs_6s',
    'hdemucs_mmi',
    'mdx',
    'mdx_q',
    'mdx_extra',
    'mdx_extra_q',
  ],
};

/** The formats both models write. */
export const REPLICATE_FORMATS: readonly OutputFormat[] = ['mp3', 'wav', 'flac'];

/** The stems a Demucs network produces: four, or six with `htdemucs_6s`. */
export function stemsOfNetwork(network: string): readonly StemName[] {
  const four: StemName[] = ['vocals', 'drums', 'bass', 'other'];
  return network === 'htdemucs_6s' ? [...four, 'guitar', 'piano'] : four;
}

/** Checks the network belongs to the model; a typed error naming `demucsModel` otherwise. */
export function checkNetwork(model: ReplicateDemucsModel, network: string): void {
  if (!DEMUCS_NETWORKS[model])
    throw new InvalidArgumentError('model', `must be one of ${Object.keys(DEMUCS_VERSIONS).join(', ')}`);
  if (!DEMUCS_NETWORKS[model].includes(network)) {
    throw new InvalidArgumentError(
      'demucsModel',
      `must be one of ${DEMUCS_NETWORKS[model].join(', ')} on ${model}`,
    );
  }
}

/** One output format per prediction: the targets must agree on it. */
export function formatOf(request: Pick<StartRequest, 'targets'>): OutputFormat {
  const formats = new Set(request.targets.flatMap((target) => target.formats));
  if (formats.size !== 1) {
    throw new InvalidArgumentError(
      'targets.formats',
      'must be one format for all targets: a prediction writes one',
    );
  }
  return [...formats][0]!;
}

/**
 * The model input of a prediction, in each model's own schema: `model` or `model_name`, `stem` for a
 * single-stem request (`none` is ryan5453's "all"), the format and bitrate.
 */
export function inputOf(
  model: ReplicateDemucsModel,
  network: string,
  audio: string,
  request: Pick<StartRequest, 'targets' | 'providerOptions'>,
  mp3Bitrate: number | undefined,
): Record<string, unknown> {
  const format = formatOf(request);
  const single = request.targets.length === 1 ? request.targets[0]!.stem : undefined;
  const common = {
    audio,
    output_format: format,
    ...(format === 'mp3' && mp3Bitrate ? { mp3_bitrate: mp3Bitrate } : {}),
  };
  const input =
    model === 'ryan5453/demucs'
      ? { ...common, model: network, stem: single ?? 'none' }
      : { ...common, model_name: network, ...(single ? { stem: single } : {}) };
  return { ...input, ...request.providerOptions };
}

/** The output key holding the residual of a single-stem prediction: `no_<stem>` on ryan5453, `other` on cjwbw. */
export function residualKeyOf(model: ReplicateDemucsModel, stem: string): string {
  return model === 'ryan5453/demucs' ? `no_${stem}` : 'other';
}

/**
 * Refuses, before any upload, what a prediction cannot serve: targets in more than one format, and a single
 * `other` on cjwbw/demucs (whose `other` key then holds the sum of the other stems, not the stem).
 */
export function validateRequest(model: ReplicateDemucsModel, request: Pick<StartRequest, 'targets'>): void {
  formatOf(request);
  if (model === 'cjwbw/demucs' && request.targets.length === 1 && request.targets[0]!.stem === 'other') {
    throw new InvalidArgumentError(
      'targets.stem',
      'cannot be `other` alone on cjwbw/demucs: its single-stem output puts the residual under `other`; ask for another stem too',
    );
  }
}
