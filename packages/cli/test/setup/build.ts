import { build } from 'tsup';
import config from '../../tsup.config.ts';

/**
 * The end-to-end suites run the built `stemkit` binary, so build it first (without declarations: quicker, and
 * the binary does not need them). Workspace dependencies are built by turbo before `test` (turbo.json).
 */
export default async function setup(): Promise<void> {
  const options = Array.isArray(config) ? config[0] : config;
  if (typeof options === 'function' || options === undefined)
    throw new Error('tsup.config.ts must export an object');
  await build({ ...options, config: false, entry: ['src/bin.ts'], dts: false, silent: true, clean: false });
}
