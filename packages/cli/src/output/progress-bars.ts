import { MultiBar, type Options } from 'cli-progress';
import type { ProgressTask, ProgressUnit } from './reporter.ts';
import { formatBytes } from './units.ts';

const LABEL_WIDTH = 14;

interface Payload {
  readonly label: string;
  readonly detail: string;
  readonly unit: ProgressUnit;
}

/** The terminal side of the reporter: one cli-progress bar per task, redrawn in place on stderr. */
export interface ProgressBars {
  task(label: string, total: number, unit: ProgressUnit, detail?: string): ProgressTask;
  /** Prints a line above the bars. */
  log(line: string): void;
  active(): boolean;
  stop(): void;
}

function render(
  options: Options,
  params: { progress: number; value: number; total: number },
  payload: Payload,
) {
  const size = options.barsize ?? 24;
  // A task of unknown size (total 0) reads 0 % until it is done, not 100 % from its first byte.
  const progress = params.total > 0 ? Math.min(1, Math.max(0, params.progress)) : 0;
  const filled = Math.round(progress * size);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(size - filled)}`;
  const percent = `${Math.floor(progress * 100)}%`.padStart(4);
  const amount =
    payload.unit === 'bytes'
      ? `${formatBytes(params.value)}${params.total > 0 ? ` / ${formatBytes(params.total)}` : ''}`
      : '';
  const label =
    payload.label.length > LABEL_WIDTH ? `${payload.label.slice(0, LABEL_WIDTH - 1)}…` : payload.label;
  return [label.padEnd(LABEL_WIDTH), bar, percent, amount, payload.detail].filter(Boolean).join('  ');
}

/**
 * Draws tasks as progress bars. Bars of finished tasks stay on screen, so the person sees what happened.
 *
 * @example
 * ```ts
 * const bars = createProgressBars(process.stderr);
 * bars.task('upload', 1_800_000, 'bytes').update(900_000);
 * ```
 */
export function createProgressBars(stream: NodeJS.WritableStream): ProgressBars {
  // The CLI handles Ctrl-C itself (it prints the handle to resume with), so cli-progress must not.
  const multibar = new MultiBar({
    stream,
    format: render,
    barsize: 24,
    hideCursor: true,
    gracefulExit: false,
    fps: 10,
  });
  let stopped = false;
  return {
    task(label, total, unit, detail = '') {
      const scale = unit === 'fraction' ? 1000 : 1;
      const bar = multibar.create(Math.max(0, total * scale), 0, { label, detail, unit } satisfies Payload);
      return {
        update(value, next) {
          bar.update(value * scale, next === undefined ? undefined : { detail: next });
        },
        finish(closing) {
          // An unknown total (0) draws as full once done.
          if (total <= 0) bar.setTotal(1);
          bar.update(total <= 0 ? 1 : total * scale, { detail: closing });
        },
      };
    },
    log: (line) => multibar.log(`${line}\n`),
    active: () => !stopped && multibar.isActive,
    stop() {
      if (stopped) return;
      stopped = true;
      multibar.stop();
    },
  };
}
