import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createReporter, outputMode } from '../src/output/reporter.ts';
import { renderTable } from '../src/output/table.ts';
import { formatBytes, formatDuration } from '../src/output/units.ts';

/** A stream that keeps what is written, optionally pretending to be a terminal. */
function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

describe('tables and units', () => {
  it('aligns columns, right-aligning numbers', () => {
    const table = renderTable(
      [{ header: 'stem' }, { header: 'size', align: 'right' }],
      [
        ['vocals', '1.76 MB'],
        ['bass', '12 kB'],
      ],
    );
    expect(table.split('\n')).toEqual(['stem       size', 'vocals  1.76 MB', 'bass      12 kB']);
  });

  it('formats bytes and durations for people', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_764_044)).toBe('1.76 MB');
    expect(formatBytes(100_000)).toBe('100 kB');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatDuration(9.96)).toBe('10.0 s');
    expect(formatDuration(185)).toBe('3:05');
  });
});

describe('reporter', () => {
  it('picks bars on a terminal, plain lines elsewhere, and JSON when asked', () => {
    expect(outputMode({}, { isTTY: true })).toBe('interactive');
    expect(outputMode({}, { isTTY: false })).toBe('plain');
    expect(outputMode({ json: true }, { isTTY: true })).toBe('json');
  });

  it('writes plain lines, without control characters, when the detail changes', () => {
    const output = capture();
    const reporter = createReporter({ mode: 'plain', verbose: false, stream: output.stream });
    const task = reporter.task('processing', 1, 'fraction', 'waiting');
    task.update(0.1, 'Processing');
    task.update(0.5, 'Processing');
    task.update(0.9, 'Finalising');
    task.finish('succeeded in 2.0 s');
    reporter.debug('hidden without --verbose');
    reporter.close();
    expect(output.text().split('\n')).toEqual([
      'processing: waiting',
      'processing: Processing',
      'processing: Finalising',
      'processing: succeeded in 2.0 s',
      '',
    ]);
    expect(output.text()).not.toContain('\x1b');
  });

  it('stays quiet with --json, except debug lines with --verbose', () => {
    const output = capture();
    const reporter = createReporter({ mode: 'json', verbose: true, stream: output.stream });
    reporter.note('not shown');
    reporter.task('upload', 10, 'bytes').finish('uploaded');
    reporter.debug('shown');
    expect(output.text()).toBe('debug: shown\n');
  });

  it('draws progress bars on a terminal', async () => {
    const output = capture(true);
    const reporter = createReporter({ mode: 'interactive', verbose: false, stream: output.stream });
    const upload = reporter.task('upload', 2_000_000, 'bytes', 'demo.wav');
    upload.update(1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    upload.finish('uploaded');
    reporter.close();
    expect(output.text()).toContain('\x1b[');
    expect(output.text()).toMatch(/upload\s+█+░+\s+50%\s+1 MB \/ 2 MB\s+demo\.wav/);
    expect(output.text()).toMatch(/upload\s+█{24}\s+100%\s+2 MB \/ 2 MB\s+uploaded/);
  });

  it('draws a task of unknown size as empty until it is done', async () => {
    const output = capture(true);
    const reporter = createReporter({ mode: 'interactive', verbose: false, stream: output.stream });
    const download = reporter.task('vocals.wav', 0, 'bytes');
    download.update(500_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(output.text()).toMatch(/vocals\.wav\s+░{24}\s+0%\s+500 kB/);
    download.finish('saved');
    reporter.close();
    expect(output.text()).toMatch(/vocals\.wav\s+█{24}\s+100%.*saved/);
  });

  it('scrubs registered secrets from every line', async () => {
    const { registerSecret } = await import('@stemkit/core');
    registerSecret('canary-secret-9f8e7d');
    const output = capture();
    const reporter = createReporter({ mode: 'plain', verbose: true, stream: output.stream });
    reporter.debug('POST /auth/ {"password":"canary-secret-9f8e7d"}');
    reporter.note('token canary-secret-9f8e7d');
    expect(output.text()).not.toContain('canary-secret-9f8e7d');
    expect(output.text()).toContain('[redacted]');
  });
});
