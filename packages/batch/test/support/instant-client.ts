import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NodeStemkit } from '@stemkit/core/node';

/** A client whose provider answers at once with one empty stem: what a track costs is the engine's own. */
export function instantClient(calls: { uploads: number } = { uploads: 0 }): NodeStemkit {
  const asset = {
    id: 'a',
    name: 'vocals.wav',
    role: 'stem',
    stem: 'vocals',
    format: 'wav',
    provider: 'bench',
    raw: null,
  };
  const job = {
    id: 'job',
    provider: 'bench',
    status: 'succeeded',
    targets: [
      { id: 't', stem: 'vocals', formats: ['wav'], status: 'succeeded', outputs: [asset], raw: null },
    ],
    warnings: [],
    handle: { contract: 1, provider: 'bench', id: 'job' },
    raw: null,
  };
  return {
    provider: 'bench',
    capabilities: {
      list: false,
      urlInput: false,
      callbacks: false,
      stems: 'any',
      formats: ['wav', 'mp3', 'flac'],
    },
    upload: async () => {
      calls.uploads += 1;
      return { ...asset, role: 'source' };
    },
    separate: async () => job,
    wait: async () => job,
    get: async () => job,
    downloadToFile: async (_asset: unknown, path: string) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, '');
      return { asset, path, size: 0 };
    },
  } as unknown as NodeStemkit;
}
