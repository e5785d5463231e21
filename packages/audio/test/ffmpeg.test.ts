import { describe, expect, it } from 'vitest';
import { runTool } from '../src/codec/ffmpeg.ts';
import { type AudioFormat, decodeAudio, encodeAudio, probeAudio, sniffFormat } from '../src/index.ts';
import { signalToDistortionRatio } from '../src/synthetic/index.ts';
import { expectAudioError, maxDifference, testSignal } from './support.ts';

const COMPRESSED: Exclude<AudioFormat, 'wav'>[] = ['mp3', 'm4a', 'flac', 'aiff'];

describe('formats through ffmpeg', () => {
  for (const format of COMPRESSED) {
    it(`round-trips ${format}: format, duration, channels and rate preserved`, async () => {
      for (const [sampleRate, channels] of [
        [44_100, 2],
        [48_000, 1],
      ] as const) {
        const source = testSignal({ sampleRate, channels, seconds: 1 });
        const bytes = await encodeAudio(source, format);
        expect(sniffFormat(bytes)).toBe(format);
        const info = await probeAudio(bytes);
        expect(info).toMatchObject({ format, channels, sampleRate });
        expect(info.durationSeconds).toBeCloseTo(1, 1);
        const decoded = await decodeAudio(bytes);
        expect(decoded.sampleRate).toBe(sampleRate);
        expect(decoded.channels).toHaveLength(channels);
        // Lossy codecs pad to whole codec frames; a few milliseconds at most.
        expect(Math.abs(decoded.channels[0]!.length - sampleRate)).toBeLessThanOrEqual(sampleRate * 0.03);
      }
    });
  }

  it('keeps 16- and 24-bit flac and aiff lossless', async () => {
    for (const bitDepth of [16, 24] as const) {
      const source = await decodeAudio(await encodeAudio(testSignal({ seconds: 0.5 }), 'wav', { bitDepth }));
      for (const format of ['flac', 'aiff'] as const) {
        const decoded = await decodeAudio(await encodeAudio(source, format, { bitDepth }));
        expect(maxDifference(source, decoded), `${format} ${bitDepth}-bit`).toBe(0);
      }
    }
  });

  it('keeps 32-bit float aiff exact', async () => {
    const source = testSignal({ seconds: 0.5 });
    expect(
      maxDifference(source, await decodeAudio(await encodeAudio(source, 'aiff', { bitDepth: 32 }))),
    ).toBe(0);
  });

  it('decodes flac to within 16-bit rounding of an unquantized source', async () => {
    const source = testSignal({ seconds: 1 });
    const decoded = await decodeAudio(await encodeAudio(source, 'flac'), { format: 'flac' });
    expect(maxDifference(source, decoded)).toBeLessThan(1e-4);
  });

  it('keeps mp3 and m4a aligned with the source and close to it (SDR > 20 dB)', async () => {
    const sampleRate = 44_100;
    const tone = (frequency: number) =>
      Float32Array.from(
        { length: sampleRate },
        (_, index) => 0.4 * Math.sin((2 * Math.PI * frequency * index) / sampleRate),
      );
    const source = { sampleRate, channels: [tone(440), tone(554)] };
    for (const format of ['mp3', 'm4a'] as const) {
      const decoded = await decodeAudio(await encodeAudio(source, format));
      const aligned = {
        sampleRate,
        channels: decoded.channels.map((channel) => channel.slice(0, sampleRate)),
      };
      expect(signalToDistortionRatio(source, aligned), format).toBeGreaterThan(20);
    }
  });

  it('names the missing tool when ffmpeg is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      const error = await expectAudioError(
        () => encodeAudio(testSignal({ seconds: 0.1 }), 'mp3'),
        'missing-tool',
      );
      expect(error.message).toMatch(/ffmpeg/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('waits for drain without piling up listeners (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // 64 chunks of 1 MiB: every write fills the pipe, so each one waits for a drain.
      const chunks = Array.from({ length: 64 }, () => new Uint8Array(1024 * 1024));
      const args = [
        '-v',
        'error',
        '-f',
        'f32le',
        '-ar',
        '44100',
        '-ac',
        '2',
        '-i',
        'pipe:0',
        '-f',
        'null',
        '-',
      ];
      await runTool('ffmpeg', args, { input: chunks, timeoutMs: 60_000, purpose: 'to test' });
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('kills a child that runs past its timeout instead of hanging', async () => {
    const started = Date.now();
    const endless = ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=3600', '-f', 'null', '-'];
    const error = await expectAudioError(
      () => runTool('ffmpeg', endless, { timeoutMs: 300, purpose: 'to test' }),
      'corrupt',
    );
    expect(error.message).toMatch(/longer than 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
