/**
 * Bench: 4-stem separation of a 3-minute stereo 44.1 kHz track on one core.
 * Run: pnpm --filter @stemkit/audio bench (node --experimental-strip-types bench/separate.bench.ts)
 */
import { separateSet } from '../src/index.ts';
import { synthesizeMixture } from '../src/synthetic/index.ts';

/**
 * A machine yardstick: CPU ns per step of a dependent multiply-then-add chain. Each step costs the two latencies
 * (8 cycles on recent x86 cores, so about 2.7 ns at 3 GHz); it tells how fast the core that ran the bench was.
 */
function calibrate(): number {
  const values = new Float64Array(4096).map((_, index) => 1 + index * 1e-9);
  let total = 0;
  const started = process.cpuUsage();
  for (let round = 0; round < 5000; round++)
    for (let index = 0; index < 4096; index++) total = total * 0.5 + values[index]!;
  const used = process.cpuUsage(started);
  if (total === 0) console.log(total);
  return ((used.user + used.system) * 1e3) / (5000 * 4096);
}

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

// Wall time depends on what else the machine runs; CPU time of this process is the steadier one-core figure.
const runs: { wall: number; cpu: number }[] = [];
for (let run = 0; run < 3; run++) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await separateSet(mixture, 'four');
  const cpu = process.cpuUsage(cpuBefore);
  runs.push({ wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
}
const best = (key: 'wall' | 'cpu') => Math.min(...runs.map((run) => run[key]));
console.log(`4-stem separation of ${seconds} s stereo 44.1 kHz, best of ${runs.length}:`);
console.log(`  machine yardstick: ${calibrate().toFixed(2)} ns per dependent multiply-add`);
console.log(`  CPU time  ${best('cpu').toFixed(2)} s (${(seconds / best('cpu')).toFixed(0)}× real time)`);
console.log(
  `  wall time ${best('wall').toFixed(2)} s (runs: ${runs.map((run) => run.wall.toFixed(2)).join(', ')} s)`,
);
