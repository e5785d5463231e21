import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peekStream, SNIFF_BYTES, sniffAudio } from '../../src/driver/index.ts';
import { sampleWav } from '../support/mock.ts';

const text = (value: string) => new TextEncoder().encode(value);

/** A WAV with a valid header whose data chunk declares `dataBytes` (0: zero frames) and holds them. */
function wavWithData(dataBytes: number, declared = dataBytes): Uint8Array {
  const bytes = sampleWav({ seconds: 0 });
  const out = new Uint8Array(44 + dataBytes);
  out.set(bytes.subarray(0, 44));
  const view = new DataView(out.buffer);
  view.setUint32(4, 36 + dataBytes, true);
  view.setUint32(40, declared, true);
  return out;
}

function aiff(frames: number): Uint8Array {
  const out = new Uint8Array(12 + 8 + 18);
  const view = new DataView(out.buffer);
  out.set(text('FORM'), 0);
  view.setUint32(4, out.length - 8);
  out.set(text('AIFF'), 8);
  out.set(text('COMM'), 12);
  view.setUint32(16, 18);
  view.setUint16(20, 2);
  view.setUint32(22, frames);
  return out;
}

function flac(samples: number, trailing = 0): Uint8Array {
  const out = new Uint8Array(4 + 4 + 34 + trailing);
  out.set(text('fLaC'), 0);
  out[4] = 0x80; // last metadata block, STREAMINFO
  out[7] = 34;
  const view = new DataView(out.buffer);
  view.setUint32(8 + 14, samples);
  return out;
}

/** An MPEG-1 layer III frame header at 128 kbit/s, 44.1 kHz: 417 bytes a frame. */
function mp3Frames(count: number): Uint8Array {
  const out = new Uint8Array(417 * count);
  for (let index = 0; index < count; index++) out.set([0xff, 0xfb, 0x90, 0x00], index * 417);
  return out;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('sniffAudio', () => {
  it('recognises the formats the providers take', () => {
    expect(sniffAudio(sampleWav({ seconds: 0.1 }))).toEqual({ verdict: 'audio', format: 'wav' });
    expect(sniffAudio(aiff(100))).toEqual({ verdict: 'audio', format: 'aiff' });
    expect(sniffAudio(flac(1000))).toEqual({ verdict: 'audio', format: 'flac' });
    expect(sniffAudio(mp3Frames(3))).toEqual({ verdict: 'audio', format: 'mp3' });
    const id3 = new Uint8Array([...text('ID3'), 4, 0, 0, 0, 0, 0, 0, ...mp3Frames(2)]);
    expect(sniffAudio(id3)).toEqual({ verdict: 'audio', format: 'mp3' });
    expect(sniffAudio(new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]))).toEqual({
      verdict: 'audio',
      format: 'aac',
    });
    const m4a = new Uint8Array([0, 0, 0, 0x20, ...text('ftypM4A '), 0, 0, 0, 0]);
    expect(sniffAudio(m4a)).toEqual({ verdict: 'audio', format: 'mp4' });
  });

  it('calls a source of no bytes empty', () => {
    expect(sniffAudio(new Uint8Array(0))).toEqual({ verdict: 'empty' });
    expect(sniffAudio(new Uint8Array(0), 0)).toEqual({ verdict: 'empty' });
  });

  it('finds no frames in a WAV with a valid header and an empty data chunk', () => {
    expect(sniffAudio(wavWithData(0))).toEqual({ verdict: 'no-frames', format: 'wav' });
    // A data chunk that declares bytes the file does not have, or less than one frame.
    expect(sniffAudio(wavWithData(0, 1000))).toEqual({ verdict: 'no-frames', format: 'wav' });
    expect(sniffAudio(wavWithData(1))).toEqual({ verdict: 'no-frames', format: 'wav' });
    // A streamed WAV's unknown size (0xFFFFFFFF) runs to the end of the file.
    expect(sniffAudio(wavWithData(0, 0xffffffff))).toEqual({ verdict: 'no-frames', format: 'wav' });
    expect(sniffAudio(wavWithData(200, 0xffffffff))).toEqual({ verdict: 'audio', format: 'wav' });
    // A header with no data chunk at all.
    expect(sniffAudio(wavWithData(0).subarray(0, 36))).toEqual({ verdict: 'no-frames', format: 'wav' });
    expect(sniffAudio(wavWithData(2))).toEqual({ verdict: 'audio', format: 'wav' });
  });

  it('finds no frames where the AIFF and FLAC headers count none', () => {
    expect(sniffAudio(aiff(0))).toEqual({ verdict: 'no-frames', format: 'aiff' });
    // FLAC's 0 means "unknown": no frames only when the file ends with its metadata.
    expect(sniffAudio(flac(0))).toEqual({ verdict: 'no-frames', format: 'flac' });
    expect(sniffAudio(flac(0, 100))).toEqual({ verdict: 'audio', format: 'flac' });
    const tagOnly = new Uint8Array([...text('ID3'), 4, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
    expect(sniffAudio(tagOnly)).toEqual({ verdict: 'no-frames', format: 'mp3' });
  });

  it('judges by the whole length when told it, not by the head alone', () => {
    const head = wavWithData(0, 0xffffffff);
    expect(sniffAudio(head, head.length + 10_000)).toEqual({ verdict: 'audio', format: 'wav' });
    // Unknown length (a stream going on past the head): the header cannot say, the provider will.
    expect(sniffAudio(wavWithData(0).subarray(0, 36), null)).toEqual({ verdict: 'audio', format: 'wav' });
    expect(sniffAudio(new Uint8Array(0), null)).toEqual({ verdict: 'not-audio' });
  });

  it('calls text, JSON, HTML, a PDF, an ELF, a zip and formats no provider takes (Ogg) not audio', () => {
    for (const sample of [
      'OggS\0\x02',
      'hello world\n',
      '{"text":"la la"}',
      '<!doctype html>',
      '%PDF-1.7',
      '\x7fELF',
      'PK\x03\x04',
    ]) {
      expect(sniffAudio(text(sample)), sample).toEqual({ verdict: 'not-audio' });
    }
  });

  it('calls no printable text audio, whatever it says (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (value) => {
        const bytes = text(value.replace(/[^\x20-\x7e\n\t]/g, 'x'));
        // "ftyp", "moov" and the like at offset 4 would be a QuickTime atom, so text cannot open on one.
        fc.pre(!/^....(ftyp|moov|mdat|wide|free|skip)/.test(value));
        fc.pre(!/^(RIFF|RF64|BW64|FORM|fLaC|ID3)/.test(value));
        expect(sniffAudio(bytes).verdict).toBe('not-audio');
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes, whatever length it is told (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.nat(1000), { nil: null }),
        (bytes, total) => {
          const result = sniffAudio(bytes, total);
          expect(['audio', 'empty', 'no-frames', 'not-audio']).toContain(result.verdict);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('peekStream', () => {
  it('reads the head and still gives every byte, in order, whatever the chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 5000 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 20_000 }),
        async (chunks, limit) => {
          const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
          let offset = 0;
          for (const chunk of chunks) {
            all.set(chunk, offset);
            offset += chunk.length;
          }
          const source = new ReadableStream<Uint8Array>({
            start(controller) {
              for (const chunk of chunks) controller.enqueue(chunk);
              controller.close();
            },
          });
          const peeked = await peekStream(source, limit);
          expect(peeked.head).toEqual(all.subarray(0, Math.min(limit, all.length)));
          expect(peeked.ended).toBe(all.length < limit);
          expect(await collect(peeked.stream)).toEqual(all);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pulls the rest only as the new stream is read, and cancelling it cancels the original', async () => {
    let pulls = 0;
    let canceled: unknown;
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(new Uint8Array(1024).fill(pulls));
        },
        cancel(reason) {
          canceled = reason;
        },
      },
      { highWaterMark: 0 },
    );
    const peeked = await peekStream(source, SNIFF_BYTES);
    expect(peeked.head.length).toBe(SNIFF_BYTES);
    expect(pulls).toBe(SNIFF_BYTES / 1024);
    const reader = peeked.stream.getReader();
    for (let index = 0; index < SNIFF_BYTES / 1024 + 1; index++) await reader.read();
    expect(pulls).toBe(SNIFF_BYTES / 1024 + 1);
    await reader.cancel('enough');
    expect(canceled).toBe('enough');
  });
});
