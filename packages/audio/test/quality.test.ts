import { describe, expect, it } from 'vitest';
import { separateSet } from '../src/index.ts';
import { signalToDistortionRatio, synthesizeMixture } from '../src/synthetic/index.ts';

/** The goals of the issue, in dB of SDR against the true sources. */
const GOALS = { vocals: 6, drums: 4, bass: 4 } as const;
const SEEDS = [101, 202, 303, 404];

describe('separation quality on synthetic mixtures', () => {
  it(`meets vocals ≥ ${GOALS.vocals} dB, drums and bass ≥ ${GOALS.drums} dB SDR on every seed`, async () => {
    const rows: Record<string, string>[] = [];
    for (const seed of SEEDS) {
      const { mixture, sources } = synthesizeMixture({ seed, seconds: 8 });
      const stems = await separateSet(mixture, 'four');
      const scores = {
        vocals: signalToDistortionRatio(sources.vocals, stems.vocals!),
        drums: signalToDistortionRatio(sources.drums, stems.drums!),
        bass: signalToDistortionRatio(sources.bass, stems.bass!),
        other: signalToDistortionRatio(sources.other, stems.other!),
      };
      // The trivial baseline: the mixture itself offered as the stem.
      const baseline = signalToDistortionRatio(sources.vocals, mixture);
      rows.push({
        seed: String(seed),
        ...Object.fromEntries(Object.entries(scores).map(([name, value]) => [name, value.toFixed(2)])),
        'mixture as vocals': baseline.toFixed(2),
      });
      expect(scores.vocals, `vocals, seed ${seed}`).toBeGreaterThanOrEqual(GOALS.vocals);
      expect(scores.drums, `drums, seed ${seed}`).toBeGreaterThanOrEqual(GOALS.drums);
      expect(scores.bass, `bass, seed ${seed}`).toBeGreaterThanOrEqual(GOALS.bass);
      expect(baseline).toBeLessThan(0);
    }
    console.table(rows);
  }, 120_000);
});
