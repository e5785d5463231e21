/**
 * The Node entry of `@stemkit/core`: everything the main entry has, plus file paths as sources,
 * `downloadToFile`, and `toNodeListener` (a callback receiver on `node:http` or Express).
 *
 * @packageDocumentation
 */

import { createClient } from '../client/create.ts';
import type { DownloadOptions, Stemkit, StemkitOptions } from '../client/types.ts';
import { InvalidArgumentError } from '../errors.ts';
import { downloadToFile, type FileDownloadResult, prepareFolder } from './download-to-file.ts';
import { openPath } from './open-path.ts';
import { temporaryFileStore } from './temporary-store.ts';

export * from '../index.ts';

/** The client of `@stemkit/core/node`: file paths work as sources, and outputs stream to files. */
export interface NodeStemkit extends Stemkit {
  /**
   * Streams one output to `path`, atomically: it is written to a temporary file beside it, then renamed. Missing
   * parent folders are created; one that cannot be is an `InvalidArgumentError` naming `path`.
   *
   * @example
   * ```ts
   * await stemkit.downloadToFile(asset, 'stems/vocals.wav');
   * ```
   */
  downloadToFile(
    asset: Parameters<Stemkit['download']>[0],
    path: string,
    options?: DownloadOptions,
  ): Promise<FileDownloadResult>;
}

/**
 * Creates the client, with file-path sources and `downloadToFile`.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core/node';
 * const stemkit = createStemkit({ driver });
 * const job = await stemkit.wait(await stemkit.separate({ source: './song.mp3', stems: ['vocals'] }));
 * await stemkit.downloadToFile(job.targets[0]!.outputs[0]!, './vocals.wav');
 * ```
 */
export function createStemkit(options: StemkitOptions): NodeStemkit {
  const client = createClient(options, { openPath, localStore: () => temporaryFileStore() });
  return {
    ...client,
    async downloadToFile(asset, path, downloadOptions) {
      if (typeof path !== 'string' || path.length === 0) {
        throw new InvalidArgumentError('path', 'must be a non-empty file path');
      }
      await prepareFolder(path);
      return downloadToFile(await client.download(asset, downloadOptions), path);
    },
  };
}

export type { FileDownloadResult } from './download-to-file.ts';
export { toNodeListener } from './listener.ts';
export { type TemporaryFileStoreOptions, temporaryFileStore } from './temporary-store.ts';
