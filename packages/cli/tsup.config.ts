import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Before the first release every package is 0.0.0: say what such a build is rather than print a bare 0.0.0.
const shown =
  version === '0.0.0' ? 'unreleased (a workspace build; the first release will carry a version)' : version;

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2023',
  define: { STEMKIT_VERSION: JSON.stringify(shown) },
});
