import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, encodeAudio, separateSet } from '../src/index.ts';
import {
  decodeFile,
  encodeFile,
  formatFromPath,
  probeFile,
  separateFile,
  streamAudioFile,
} from '../src/node/index.ts';
import { synthesizeMixture } from '../src/synthetic/index.ts';
import { expectAudioError, maxDifference, testSignal } from './support.ts';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stemkit-audio-test-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('file helpers', () => {
  it('writes, probes, streams and reads WAV and flac files', async () => {
    const audio = testSignal({ sampleRate: 48_000, channels: 2, seconds: 1.5 });
    for (const name of ['tone.wav', 'tone.flac']) {
      const path = join(directory, name);
      await encodeFile(audio, path, { bitDepth: 24 });
      expect(await probeFile(path)).toMatchObject({
        format: formatFromPath(path),
        channels: 2,
        sampleRate: 48_000,
        frames: 72_000,
      });
      const { info, chunks } = await streamAudioFile(path, { chunkFrames: 10_000 });
      const sizes: number[] = [];
      for await (const chunk of chunks) sizes.push(chunk.channels[0]!.length);
      expect(sizes).toEqual([...Array(7).fill(10_000), 2000]);
      expect(info.frames).toBe(72_000);
      const decoded = await decodeFile(path);
      expect(maxDifference(decoded, audio)).toBeLessThan(2 ** -23);
    }
    // The file writer and the in-memory encoder agree byte for byte.
    expect(
      Buffer.from(await readFile(join(directory, 'tone.wav'))).equals(
        Buffer.from(await encodeAudio(audio, 'wav', { bitDepth: 24 })),
      ),
    ).toBe(true);
  });

  it('separates a file in a stream, to the same stems as in memory', async () => {
    const { mixture } = synthesizeMixture({ seed: 9, seconds: 3 });
    const input = join(directory, 'song.wav');
    await encodeFile(mixture, input, { bitDepth: 32 });
    const paths = await separateFile(input, {
      stems: 'four',
      outputDirectory: join(directory, 'four'),
      bitDepth: 32,
    });
    expect(Object.keys(paths)).toEqual(['vocals', 'drums', 'bass', 'other']);
    const inMemory = await separateSet(mixture, 'four');
    for (const [name, path] of Object.entries(paths)) {
      expect(maxDifference(await decodeFile(path), inMemory[name]!), name).toBe(0);
    }
  });

  it('separates named stems straight to a compressed format', async () => {
    const input = join(directory, 'short.wav');
    await encodeFile(synthesizeMixture({ seed: 3, seconds: 1 }).mixture, input);
    const paths = await separateFile(input, {
      stems: ['vocals', 'guitar'],
      outputDirectory: join(directory, 'mp3'),
      format: 'mp3',
    });
    expect(paths.guitar).toMatch(/guitar\.mp3$/);
    const info = await probeFile(paths.vocals!);
    expect(info).toMatchObject({ format: 'mp3', channels: 2, sampleRate: 44_100 });
    expect(info.durationSeconds).toBeCloseTo(1, 1);
  });

  it('gives typed errors for empty, non-audio and unknown files', async () => {
    const empty = join(directory, 'empty.wav');
    await writeFile(empty, new Uint8Array(0));
    await expectAudioError(() => probeFile(empty), 'empty');
    const text = join(directory, 'notes.txt');
    await writeFile(text, 'just some text');
    await expectAudioError(() => probeFile(text), 'not-audio');
    await expectAudioError(
      () => separateFile(text, { stems: 'two', outputDirectory: directory }),
      'not-audio',
    );
    await expectAudioError(() => encodeFile(testSignal(), join(directory, 'out.ogg')), 'unsupported-format');
    const bytes = await encodeAudio(testSignal({ seconds: 1 }), 'flac');
    const cut = join(directory, 'cut.flac');
    await writeFile(cut, bytes.subarray(0, 100));
    await expect(decodeFile(cut)).rejects.toMatchObject({ name: 'AudioError' });
    expect((await decodeAudio(bytes)).channels).toHaveLength(2);
  });
});
