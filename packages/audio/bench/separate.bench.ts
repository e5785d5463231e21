/**
 * Bench: 4-stem separation of a 3-minute stereo 44.1 kHz track on one core.
 * Run: pnpm --filter @stemkit/audio bench (node --experimental-strip-types bench/separate.bench.ts)
 */
import { separateSet } from '../src/index.ts';
import { synthesizeMixture } from '../src/synthetic/index.ts';

const seconds = 180;
const { mixture } = synthesizeMixture({ seed: 7, seconds });
// One short run first so the figure measures optimized code, not the JIT warming up.
await separateSet(
  {
    sampleRate: mixture.sampleRate,
    channels: mixture.channels.map((channel) => channel.subarray(0, 441_000)),
  },
  'four',
);

const runs: number[] = [];
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  await separateSet(mixture, 'four');
  runs.push((performance.now() - started) / 1000);
}
const best = Math.min(...runs);
console.log(
  `4-stem separation of ${seconds} s stereo 44.1 kHz: best ${best.toFixed(2)} s of ${runs.map((run) => run.toFixed(2)).join(', ')} s (${(seconds / best).toFixed(0)}× real time)`,
);
