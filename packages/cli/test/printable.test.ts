import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printable, printableName } from '../src/output/printable.ts';
import { createReporter } from '../src/output/reporter.ts';

describe('terminal escape sequences in names', () => {
  it('are shown as escapes: ESC, BEL, CR, backspace, DEL, C1 and bidirectional overrides', () => {
    expect(printable('a\u001b[2Jb\u0007c\rd\be\u007ff\u009bg\u202eh\u2066i')).toBe(
      'a\\x1b[2Jb\\x07c\\x0dd\\x08e\\x7ff\\x9bg\\u202eh\\u2066i',
    );
    // Newlines and tabs stay in messages, and are escaped in names (no forged lines).
    expect(printable('one\ntwo\tthree')).toBe('one\ntwo\tthree');
    expect(printableName('x\nfailed: y\t')).toBe('x\\nfailed: y\\t');
    expect(printable('vocals — 🎤 ünïcode')).toBe('vocals — 🎤 ünïcode');
  });

  it('reach no terminal through the reporter, in notes or progress lines', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const reporter = createReporter({ mode: 'plain', verbose: false, stream });
    reporter.note('skipped \u001b]0;pwned\u0007.wav');
    reporter.task('\u001b[31mred', 1, 'fraction', 'start').finish('\u001b[0m');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('skipped \\x1b]0;pwned\\x07.wav');
    expect(text).toContain('\\x1b[31mred: \\x1b[0m');
  });
});
