// How big a bundle an app ships: esbuild for the browser (ESM, minified), then gzip -9. The size budgets and the
// benchmarks both measure with this.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// The test workspace package depends on every package and on esbuild: resolve from there.
const testPackage = new URL('../test/package.json', import.meta.url);

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ contents: Uint8Array }> }>;
}

/** Minified and gzipped bytes of a bundle of `contents` (an ES module, e.g. `export { x } from 'pkg'`). */
export async function bundleSize(contents: string): Promise<{ minified: number; gzipped: number }> {
  const { build } = createRequire(testPackage)('esbuild') as Esbuild;
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', testPackage)), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2023',
    write: false,
    logLevel: 'error',
  });
  const code = (result.outputFiles[0] as { contents: Uint8Array }).contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}
