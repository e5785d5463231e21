import { describe, expect, test } from 'vitest';
import { mimeType } from '../src/processing/formats.ts';

describe('mimeType', () => {
  test('answers as core does: mp4 is the original video container, m4a is audio', () => {
    expect(mimeType('mp4')).toBe('video/mp4');
    expect(mimeType('MP4')).toBe('video/mp4');
    expect(mimeType('m4a')).toBe('audio/mp4');
  });
});
