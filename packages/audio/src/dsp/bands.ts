/**
 * 0 below `edge`, 1 above, with a raised-cosine transition `octaves` wide centred on `edge` (on a log-frequency axis).
 */
export function rise(frequency: number, edge: number, octaves: number): number {
  if (frequency <= 0) return 0;
  const position = Math.log2(frequency / edge) / octaves + 0.5;
  if (position <= 0) return 0;
  if (position >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * position);
}

/** Weight of each FFT bin for a band `[low, high]` Hz with half-octave soft edges. */
export function bandWeights(
  bins: number,
  binHz: number,
  band: { low: number; high: number; keep: 'inside' | 'outside' },
): Float32Array {
  const weights = new Float32Array(bins);
  for (let bin = 0; bin < bins; bin++) {
    const frequency = bin * binHz;
    const inside = rise(frequency, band.low, 0.5) * (1 - rise(frequency, band.high, 0.5));
    weights[bin] = band.keep === 'inside' ? inside : 1 - inside;
  }
  return weights;
}
