import { encodeAudio, type PcmAudio } from '@stemkit/audio';

/**
 * A short test song: a 220 Hz "voice" that sings in bursts, a low 55 Hz "bass", and clicks for "drums",
 * at a low sample rate so separation stays fast.
 */
export function testSong(seconds = 2, sampleRate = 16_000, channelCount = 2): PcmAudio {
  const length = Math.round(seconds * sampleRate);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(length));
  let noise = 12345;
  for (let index = 0; index < length; index += 1) {
    const time = index / sampleRate;
    const singing = Math.floor(time / 0.5) % 2 === 0 ? 1 : 0;
    const voice = singing * 0.25 * Math.sin(2 * Math.PI * 220 * time);
    const bass = 0.2 * Math.sin(2 * Math.PI * 55 * time);
    noise = (noise * 1103515245 + 12345) & 0x7fffffff;
    const click = time % 0.25 < 0.01 ? 0.3 * (noise / 0x7fffffff - 0.5) : 0;
    channels.forEach((channel, number) => {
      channel[index] = voice + bass * (number === 0 ? 1 : 0.8) + click;
    });
  }
  return { sampleRate, channels };
}

/** The test song as WAV bytes (16-bit). */
export async function testSongWav(
  seconds = 2,
  sampleRate = 16_000,
  channelCount = 2,
): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await encodeAudio(testSong(seconds, sampleRate, channelCount), 'wav'));
}

/** Tone bursts with true silences between: `burst` seconds of 330 Hz starting every `period` seconds. */
export async function burstsWav(
  seconds: number,
  burst = 0.6,
  period = 1,
  sampleRate = 16_000,
): Promise<Uint8Array<ArrayBuffer>> {
  const length = Math.round(seconds * sampleRate);
  const channel = new Float32Array(length);
  for (let index = 0; index < length; index += 1) {
    const time = index / sampleRate;
    channel[index] = time % period < burst ? 0.4 * Math.sin(2 * Math.PI * 330 * time) : 0;
  }
  return new Uint8Array(await encodeAudio({ sampleRate, channels: [channel] }, 'wav'));
}
