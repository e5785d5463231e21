import { decodeAudio, encodeAudio, type PcmAudio } from '@stemkit/audio';
import type { ObjectStore } from '../storage/objects.ts';
import { codecOf } from './formats.ts';

/**
 * Decodes stored audio on demand, keeping the last few results: a separation decodes the upload its metadata
 * step already decoded. Only audio jobs ever decode; uploads and downloads stream.
 */
export class AudioLoader {
  readonly #cache = new Map<string, Promise<PcmAudio>>();

  readonly #objects: ObjectStore;
  readonly #capacity: number;

  constructor(objects: ObjectStore, capacity = 8) {
    this.#objects = objects;
    this.#capacity = capacity;
  }

  load(key: string): Promise<PcmAudio> {
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const loading = this.#objects.readBytes(key).then((bytes) => decodeAudio(bytes));
    loading.catch(() => this.#cache.delete(key));
    this.#cache.set(key, loading);
    while (this.#cache.size > this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    return loading;
  }
}

/** Encodes audio in an output format; WAV masters are 24-bit so stems keep their sum within 1e-4 of the input. */
export function encodeOutput(audio: PcmAudio, format: string): Promise<Uint8Array> {
  const codec = codecOf(format);
  if (!codec) throw new Error(`Unsupported audio format: ${format}`);
  return encodeAudio(audio, codec, codec === 'wav' ? { bitDepth: 24 } : undefined);
}

/** Duration of decoded audio in seconds. */
export function durationOf(audio: PcmAudio): number {
  return (audio.channels[0]?.length ?? 0) / audio.sampleRate;
}
