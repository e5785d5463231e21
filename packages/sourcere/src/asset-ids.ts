import { type Asset, InvalidArgumentError } from '@stemkit/core';

// Sourcere names an output by its separation and a file name (`track.wav`, `mix/mix_<uuid>`, `zip/<uuid>.zip`);
// every separation has a `vocals.wav`. Asset ids carry both, so they are unique and say which job they belong to.

/** The asset id of one of a separation's files: `<separationId>/<fileName>`. */
export function outputId(separationId: string, fileName: string): string {
  return `${separationId}/${fileName}`;
}

/** The file name of an output asset of this separation; an asset of another separation is refused. */
export function outputFileName(separationId: string, asset: Asset): string {
  const prefix = `${separationId}/`;
  if (!asset.id.startsWith(prefix)) {
    throw new InvalidArgumentError('asset', `${asset.id} is not an output of separation ${separationId}`);
  }
  return asset.id.slice(prefix.length);
}
