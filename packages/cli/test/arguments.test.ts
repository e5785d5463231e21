import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseFileName,
  parseFormat,
  parsePort,
  parseSeconds,
  parseSource,
  parseStems,
  parseTrack,
  parseTrial,
} from '../src/arguments.ts';
import { UsageError } from '../src/errors.ts';

describe('argument parsing', () => {
  it('reads stems: trimmed, de-duplicated, in order', () => {
    expect(parseStems(' vocals, drums,vocals ,bass')).toEqual(['vocals', 'drums', 'bass']);
    expect(parseStems('vocals_lead,other-x-guitar')).toEqual(['vocals_lead', 'other-x-guitar']);
  });

  it('refuses empty or malformed stem lists', () => {
    expect(() => parseStems(' , ')).toThrow(UsageError);
    expect(() => parseStems('vocals,dr ums')).toThrow(/"dr ums" is not a stem name/);
  });

  it('reads formats in any case, with or without a dot', () => {
    expect(parseFormat('.MP3')).toBe('mp3');
    expect(parseFormat('flac')).toBe('flac');
    expect(() => parseFormat('ogg')).toThrow(/--format must be one of wav, mp3, flac, m4a/);
  });

  it('reads trials as START:SECONDS, with an optional start', () => {
    expect(parseTrial('30:15')).toEqual({ start: 30, seconds: 15 });
    expect(parseTrial(':20')).toEqual({ seconds: 20 });
    expect(parseTrial('0:7.5')).toEqual({ start: 0, seconds: 7.5 });
    for (const bad of ['30', '30:0', 'a:b', '-1:10', '10:'])
      expect(() => parseTrial(bad)).toThrow(UsageError);
  });

  it('reads mix tracks with default volume and pan', () => {
    expect(parseTrack('vocals:0.8:-0.25')).toEqual({ stem: 'vocals', volume: 0.8, pan: -0.25 });
    expect(parseTrack('drums')).toEqual({ stem: 'drums', volume: 1, pan: 0 });
    expect(parseTrack('bass::1')).toEqual({ stem: 'bass', volume: 1, pan: 1 });
    expect(() => parseTrack('vocals:1.5')).toThrow(/volume must be between 0 and 1/);
    expect(() => parseTrack('vocals:1:-2')).toThrow(/pan must be between -1/);
    expect(() => parseTrack('vocals:1:0:9')).toThrow(/STEM\[:VOLUME\[:PAN\]\]/);
  });

  it('reads --name into a safe file name', () => {
    expect(parseFileName('my mix')).toBe('my-mix');
    expect(parseFileName('../../etc/passwd')).toBe('etc-passwd');
    expect(() => parseFileName(' / ')).toThrow(UsageError);
  });

  it('reads seconds into milliseconds and ports as integers', () => {
    expect(parseSeconds('--timeout', '1.5')).toBe(1500);
    expect(() => parseSeconds('--timeout', '0')).toThrow(/--timeout must be a positive number/);
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8787')).toBe(8787);
    expect(() => parsePort('70000')).toThrow(UsageError);
    expect(() => parsePort('80.5')).toThrow(UsageError);
  });

  it('reads sources: URLs as URLs, files only when they exist', async () => {
    expect(await parseSource('https://example.com/song.mp3')).toEqual({
      kind: 'url',
      url: new URL('https://example.com/song.mp3'),
    });
    const folder = await mkdtemp(join(tmpdir(), 'stemkit-cli-'));
    const file = join(folder, 'song.wav');
    await writeFile(file, 'RIFF');
    expect(await parseSource(file)).toEqual({ kind: 'file', path: file });
    await expect(parseSource(join(folder, 'missing.wav'))).rejects.toThrow(/no such file/);
    await expect(parseSource(folder)).rejects.toThrow(/not a file/);
  });
});
