import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2023',
  // As core: less source to parse on a cold import, names kept; the source maps lead back to `src`.
  minifyWhitespace: true,
  minifySyntax: true,
});
