import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2023',
  // Syntax only: minifying whitespace would also drop the `@__PURE__` marks that let an app's bundler leave out
  // the schemas and drivers it does not use.
  minifySyntax: true,
});
