import { defineConfig } from 'tsup';

export default defineConfig({
  // The main entry stays free of Node built-ins; file paths and downloadToFile live in `./node`.
  entry: { index: 'src/index.ts', 'driver/index': 'src/driver/index.ts', 'node/index': 'src/node/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2023',
  // ky, zod/mini, ts-pattern and p-throttle are bundled, tree-shaken, into a few files: Node loads 4 modules instead of
  // about 116 (zod alone was 92, 64 of them error-message translations nothing uses). ky sits in a chunk of
  // its own, loaded on the first call. The README says what this means for updates.
  noExternal: ['ky', 'ts-pattern', 'p-throttle', /^zod(\/|$)/],
  // Whitespace and syntax only, names kept (errors are told apart by class name): less source to parse on
  // import, about 6 ms of a cold start here. The source maps lead back to `src`.
  minifyWhitespace: true,
  minifySyntax: true,
});
