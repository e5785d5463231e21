import type { AudioFormat } from '@stemkit/audio';

const mimeTypes: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  // Tasks' `mp4` output is the separated audio in the original video container: a video type, as core says.
  mp4: 'video/mp4',
  flac: 'audio/flac',
  aiff: 'audio/aiff',
  aif: 'audio/aiff',
  json: 'application/json',
  txt: 'text/plain',
  srt: 'application/x-subrip',
  zip: 'application/zip',
};

/** The MIME type of a format or file extension. */
export function mimeType(format: string): string {
  const key = format.toLowerCase();
  return Object.hasOwn(mimeTypes, key) ? (mimeTypes[key] as string) : 'application/octet-stream';
}

/** The codec that encodes an output format: `mp4` is AAC audio in an MP4 container, as `m4a` is. */
export function codecOf(format: string): AudioFormat | undefined {
  switch (format.toLowerCase()) {
    case 'wav':
    case 'mp3':
    case 'm4a':
    case 'flac':
    case 'aiff':
      return format.toLowerCase() as AudioFormat;
    case 'mp4':
      return 'm4a';
    case 'aif':
      return 'aiff';
    default:
      return undefined;
  }
}

/** The extension of a file name, lower-cased, without the dot. */
export function extensionOf(name: string): string | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(name);
  return match?.[1]?.toLowerCase();
}

/** The text formats transcription, alignment and music detection write. */
export const textFormats = ['json', 'txt', 'srt'] as const;
