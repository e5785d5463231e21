import { defineConfig } from 'tsup';

export default defineConfig({
  // The main entry stays free of Node built-ins; file paths and downloadToFile live in `./node`.
  entry: { index: 'src/index.ts', 'driver/index': 'src/driver/index.ts', 'node/index': 'src/node/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2023',
});
