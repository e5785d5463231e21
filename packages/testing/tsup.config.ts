import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/postgres.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2023',
  // The suite registers tests with the caller's vitest.
  external: ['vitest'],
});
