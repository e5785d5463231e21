import { execFileSync } from 'node:child_process';

const BIOME = new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url).pathname;

/** Formats generated Markdown as `biome check` wants it (tables padded), so a generated page passes the lint. */
export function formatMarkdown(text: string, path: URL): string {
  return execFileSync(process.execPath, [BIOME, 'format', `--stdin-file-path=${path.pathname}`], {
    input: text,
    encoding: 'utf8',
  });
}
