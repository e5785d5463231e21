import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, outputBaseName } from '@stemkit/core';
import type { TrackRequest } from './items.ts';
import type { TrackOutput } from './ledger.ts';

/**
 * What a batch does with a track its ledger does not know whose output files are already in the output folder
 * (the ledger folder `.stemkit-batch` was deleted, or the batch id changed): `refuse` (the default) stops before
 * any provider job with an {@link ExistingOutputsError}; `adopt` takes a track whose every file is there as done,
 * without a provider job (one with only some of them is separated again); `redo` separates them all again, each
 * a new, billed provider job.
 */
export type ExistingOutputs = 'refuse' | 'adopt' | 'redo';

/**
 * Output files are in the folder for tracks the ledger does not know: separating them again would start (and
 * bill) a provider job each. `tracks` names them (the first ten), `count` counts them.
 *
 * @example
 * ```ts
 * if (ExistingOutputsError.isInstance(error)) console.error(`${error.count} tracks already have outputs`);
 * ```
 */
export class ExistingOutputsError extends InvalidArgumentError {
  /** How many tracks have outputs the ledger does not know of. */
  readonly count: number;
  /** The first ten of them. */
  readonly tracks: readonly string[];
  /** How many of them have every file, and would be adopted. */
  readonly complete: number;

  constructor(
    out: string,
    found: { readonly count: number; readonly complete: number; readonly names: readonly string[] },
  ) {
    const names = found.names.slice(0, 10);
    const { count, complete } = found;
    super(
      'existingOutputs',
      `${out} already holds output files of ${count} track${count === 1 ? '' : 's'} the ledger does not know (${names.map((name) => `"${name}"`).join(', ')}${count > names.length ? ', …' : ''}; ${complete} with every file): was its .stemkit-batch folder deleted? Separating them again starts and bills a provider job each. Choose: existingOutputs 'adopt' takes the complete ones as done, 'redo' separates them all again`,
    );
    this.count = count;
    this.tracks = names;
    this.complete = complete;
  }
}

/**
 * The files a finished track of `request` would have written (`<name>/<stem>.<format>`, residuals too), and which
 * of them are in `out`: none, some, or all (then `outputs` lists them for the ledger).
 */
export async function existingOutputs(
  out: string,
  request: TrackRequest,
): Promise<{ found: number; outputs: TrackOutput[] | undefined }> {
  const expected = request.stems.flatMap((stem) =>
    (request.residual ? (['stem', 'residual'] as const) : (['stem'] as const)).flatMap((role) =>
      request.formats.map((format) => ({
        stem,
        format,
        path: `${request.name}/${outputBaseName({ stem, role, name: '' })}.${format}`,
      })),
    ),
  );
  const sizes = await Promise.all(
    expected.map(async (file) => {
      const info = await stat(join(out, file.path)).catch(() => undefined);
      return info?.isFile() && info.size > 0 ? info.size : undefined;
    }),
  );
  const found = sizes.filter((size) => size !== undefined).length;
  if (found < expected.length) return { found, outputs: undefined };
  return {
    found,
    outputs: expected.map((file, index) => ({ ...file, sizeBytes: sizes[index] as number })),
  };
}
