import { type CapabilityMatrix, describeCapabilities } from '@stemkit/core/driver';
import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { DRIVERS, type RemoteProvider } from '../credentials.ts';
import { printResult } from '../output/result.ts';
import { renderTable } from '../output/table.ts';
import { formatBytes } from '../output/units.ts';
import { createDriver } from '../providers.ts';
import { type SessionFlags, startOutput } from '../session.ts';

// Placeholders for every required setting: building a driver sends nothing, and capabilities do not depend on
// the account. One probe per entry of the providers table.
const PROBES: readonly RemoteProvider[] = Object.entries(DRIVERS).map(([driver, factory]) => ({
  driver,
  settings: Object.fromEntries(
    Object.entries(factory.settings)
      .filter(([, declaration]) => declaration.required)
      .map(([setting]) => [setting, 'capabilities']),
  ),
}));

const yes = (value: boolean) => (value ? 'yes' : 'no');

/** One row per capability, one column per provider (as `--provider` names it): reads like a spec sheet. */
function matrixTable(matrices: readonly CapabilityMatrix[]): string {
  const rows: Array<[string, (matrix: CapabilityMatrix) => string]> = [
    ['stems', (matrix) => (matrix.stems === 'any' ? 'any model' : matrix.stems.join(', '))],
    ['formats', (matrix) => matrix.formats.join(', ')],
    ['stems per job', (matrix) => String(matrix.maxTargets ?? '—')],
    ['trial', (matrix) => yes(matrix.trial)],
    ['residual', (matrix) => yes(matrix.residual)],
    ['mix', (matrix) => (matrix.mix ? 'provider' : 'local fallback')],
    ['zip', (matrix) => (matrix.zip ? 'provider' : 'local fallback')],
    ['url input', (matrix) => yes(matrix.urlInput)],
    ['callbacks', (matrix) => (matrix.callbacks === false ? 'no' : matrix.callbacks)],
    ['transcription', (matrix) => yes(matrix.transcription)],
    ['alignment', (matrix) => yes(matrix.alignment)],
    ['list jobs', (matrix) => yes(matrix.list)],
    ['cancel', (matrix) => yes(matrix.cancel)],
    ['max upload', (matrix) => formatBytes(matrix.maxUploadBytes)],
  ];
  return renderTable(
    [{ header: 'capability' }, ...PROBES.map((probe) => ({ header: probe.driver }))],
    rows.map(([label, cell]) => [label, ...matrices.map(cell)]),
  );
}

/**
 * `stemkit providers`: what each driver can do, as a table (or `--json`). Mix and zip show where they run: at
 * the provider, or through the CLI's local fallback.
 *
 * @example
 * ```sh
 * stemkit providers --json | jq '.providers[] | {provider, stems}'
 * ```
 */
export function providersCommand(context: CliContext): Command {
  return new Command('providers')
    .description("list each provider's capabilities")
    .option('--json', 'print one machine-readable JSON result on stdout')
    .action(async (flags: SessionFlags) => {
      startOutput(context, flags);
      const matrices = PROBES.map((probe) => describeCapabilities(createDriver(probe)));
      const providers = matrices.map((matrix, index) => ({ name: PROBES[index]?.driver, ...matrix }));
      printResult(context, { text: matrixTable(matrices), json: { providers } });
    });
}
