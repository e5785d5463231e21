import { decodeAudio, type PcmAudio } from '@stemkit/audio';

/** Downloads and decodes audio from a URL. */
export async function fetchAudio(url: string): Promise<PcmAudio> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET audio answered ${response.status}`);
  return decodeAudio(new Uint8Array(await response.arrayBuffer()));
}

/** Largest absolute sample difference between the sum of `parts` and `whole`. */
export function sumError(parts: readonly PcmAudio[], whole: PcmAudio): number {
  let worst = 0;
  whole.channels.forEach((channel, number) => {
    for (let index = 0; index < channel.length; index += 1) {
      let sum = 0;
      for (const part of parts) sum += part.channels[number]?.[index] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(sum - (channel[index] ?? 0)));
    }
  });
  return worst;
}

/** Frames of decoded audio. */
export const framesOf = (audio: PcmAudio) => audio.channels[0]?.length ?? 0;
