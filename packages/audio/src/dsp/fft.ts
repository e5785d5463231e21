/**
 * An in-place iterative radix-2 complex FFT with precomputed bit-reversal and twiddle tables.
 * Real signals go through it two at a time (see {@link Fft.forwardPair} and {@link Fft.inversePair}).
 */
export class Fft {
  readonly size: number;
  /** Work buffers the pair transforms use; callers may read them between calls. */
  readonly real: Float64Array;
  readonly imaginary: Float64Array;
  /** Index pairs the bit-reversal permutation swaps, flattened. */
  private readonly swaps: Uint32Array;
  private readonly cosine: Float64Array;
  private readonly sine: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(Math.log2(size)) || size < 4)
      throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    this.real = new Float64Array(size);
    this.imaginary = new Float64Array(size);
    const bits = Math.log2(size);
    const swaps: number[] = [];
    for (let index = 0; index < size; index++) {
      let reversed = 0;
      for (let bit = 0; bit < bits; bit++) reversed |= ((index >> bit) & 1) << (bits - 1 - bit);
      if (reversed > index) swaps.push(index, reversed);
    }
    this.swaps = Uint32Array.from(swaps);
    this.cosine = new Float64Array(size / 2);
    this.sine = new Float64Array(size / 2);
    for (let index = 0; index < size / 2; index++) {
      this.cosine[index] = Math.cos((2 * Math.PI * index) / size);
      this.sine[index] = Math.sin((2 * Math.PI * index) / size);
    }
  }

  /** Transforms `real` + i·`imaginary` in place: e^{-iωt} forward, e^{+iωt} (unscaled) inverse. */
  transform(real: Float64Array, imaginary: Float64Array, inverse: boolean): void {
    const size = this.size;
    const swaps = this.swaps;
    for (let pair = 0; pair < swaps.length; pair += 2) {
      const index = swaps[pair]!;
      const other = swaps[pair + 1]!;
      const swapReal = real[index]!;
      real[index] = real[other]!;
      real[other] = swapReal;
      const swapImaginary = imaginary[index]!;
      imaginary[index] = imaginary[other]!;
      imaginary[other] = swapImaginary;
    }
    const cosine = this.cosine;
    const sine = this.sine;
    const sign = inverse ? 1 : -1;
    // The first two stages, where every twiddle is 1 or ∓i: additions only.
    for (let p0 = 0; p0 < size; p0 += 4) {
      const a0Real = real[p0]! + real[p0 + 1]!;
      const a0Imaginary = imaginary[p0]! + imaginary[p0 + 1]!;
      const a1Real = real[p0]! - real[p0 + 1]!;
      const a1Imaginary = imaginary[p0]! - imaginary[p0 + 1]!;
      const a2Real = real[p0 + 2]! + real[p0 + 3]!;
      const a2Imaginary = imaginary[p0 + 2]! + imaginary[p0 + 3]!;
      const a3Real = real[p0 + 2]! - real[p0 + 3]!;
      const a3Imaginary = imaginary[p0 + 2]! - imaginary[p0 + 3]!;
      const b3Real = -sign * a3Imaginary;
      const b3Imaginary = sign * a3Real;
      real[p0] = a0Real + a2Real;
      imaginary[p0] = a0Imaginary + a2Imaginary;
      real[p0 + 2] = a0Real - a2Real;
      imaginary[p0 + 2] = a0Imaginary - a2Imaginary;
      real[p0 + 1] = a1Real + b3Real;
      imaginary[p0 + 1] = a1Imaginary + b3Imaginary;
      real[p0 + 3] = a1Real - b3Real;
      imaginary[p0 + 3] = a1Imaginary - b3Imaginary;
    }
    // Then radix-2 stages fused two at a time (radix 2²): one pass over memory per pair of stages.
    let half = 4;
    for (; half * 4 <= size; half *= 4) {
      const span = half * 4;
      const stride = size / span;
      for (let offset = 0; offset < half; offset++) {
        // w2 = W(4·half)^offset, w1 = w2², w3 = w2 · (∓i).
        const w2Real = cosine[offset * stride]!;
        const w2Imaginary = sign * sine[offset * stride]!;
        const w1Real = cosine[2 * offset * stride]!;
        const w1Imaginary = sign * sine[2 * offset * stride]!;
        for (let p0 = offset; p0 < size; p0 += span) {
          const p1 = p0 + half;
          const p2 = p1 + half;
          const p3 = p2 + half;
          const x1Real = real[p1]! * w1Real - imaginary[p1]! * w1Imaginary;
          const x1Imaginary = real[p1]! * w1Imaginary + imaginary[p1]! * w1Real;
          const x3Real = real[p3]! * w1Real - imaginary[p3]! * w1Imaginary;
          const x3Imaginary = real[p3]! * w1Imaginary + imaginary[p3]! * w1Real;
          const a0Real = real[p0]! + x1Real;
          const a0Imaginary = imaginary[p0]! + x1Imaginary;
          const a1Real = real[p0]! - x1Real;
          const a1Imaginary = imaginary[p0]! - x1Imaginary;
          const a2Real = real[p2]! + x3Real;
          const a2Imaginary = imaginary[p2]! + x3Imaginary;
          const a3Real = real[p2]! - x3Real;
          const a3Imaginary = imaginary[p2]! - x3Imaginary;
          const b2Real = a2Real * w2Real - a2Imaginary * w2Imaginary;
          const b2Imaginary = a2Real * w2Imaginary + a2Imaginary * w2Real;
          // w3 · a3 = (∓i) · (w2 · a3): a rotation by a quarter turn.
          const c3Real = a3Real * w2Real - a3Imaginary * w2Imaginary;
          const c3Imaginary = a3Real * w2Imaginary + a3Imaginary * w2Real;
          const b3Real = -sign * c3Imaginary;
          const b3Imaginary = sign * c3Real;
          real[p0] = a0Real + b2Real;
          imaginary[p0] = a0Imaginary + b2Imaginary;
          real[p2] = a0Real - b2Real;
          imaginary[p2] = a0Imaginary - b2Imaginary;
          real[p1] = a1Real + b3Real;
          imaginary[p1] = a1Imaginary + b3Imaginary;
          real[p3] = a1Real - b3Real;
          imaginary[p3] = a1Imaginary - b3Imaginary;
        }
      }
    }
    // An odd number of stages leaves one plain radix-2 stage.
    if (half * 2 === size) {
      const stride = size / (2 * half);
      for (let top = 0; top < half; top++) {
        const twiddleReal = cosine[top * stride]!;
        const twiddleImaginary = sign * sine[top * stride]!;
        const bottom = top + half;
        const productReal = real[bottom]! * twiddleReal - imaginary[bottom]! * twiddleImaginary;
        const productImaginary = real[bottom]! * twiddleImaginary + imaginary[bottom]! * twiddleReal;
        const topReal = real[top]!;
        const topImaginary = imaginary[top]!;
        real[bottom] = topReal - productReal;
        imaginary[bottom] = topImaginary - productImaginary;
        real[top] = topReal + productReal;
        imaginary[top] = topImaginary + productImaginary;
      }
    }
  }

  /**
   * Spectra (bins 0…size/2) of two real signals at once, from one complex transform of `first + i·second`, each
   * multiplied by `window` on the way in. `second` may be undefined for a single signal.
   */
  forwardPair(
    first: Float32Array,
    second: Float32Array | undefined,
    window: Float64Array,
    firstReal: Float32Array,
    firstImaginary: Float32Array,
    secondReal: Float32Array | undefined,
    secondImaginary: Float32Array | undefined,
  ): void {
    const size = this.size;
    const real = this.real;
    const imaginary = this.imaginary;
    for (let index = 0; index < size; index++) {
      real[index] = first[index]! * window[index]!;
      imaginary[index] = second ? second[index]! * window[index]! : 0;
    }
    this.transform(real, imaginary, false);
    for (let bin = 0; bin <= size / 2; bin++) {
      const mirror = (size - bin) & (size - 1);
      const a = real[bin]!;
      const b = imaginary[bin]!;
      const c = real[mirror]!;
      const d = imaginary[mirror]!;
      firstReal[bin] = (a + c) / 2;
      firstImaginary[bin] = (b - d) / 2;
      if (secondReal && secondImaginary) {
        secondReal[bin] = (b + d) / 2;
        secondImaginary[bin] = (c - a) / 2;
      }
    }
  }

  /**
   * Inverse of {@link Fft.forwardPair}: two half spectra (bins 0…size/2), each optionally weighted bin by bin by a
   * mask, back to two real signals left in {@link Fft.real} (first) and {@link Fft.imaginary} (second). The 1/size
   * scaling rides along with the mask, so the whole inverse is one packing pass and one transform.
   */
  inversePair(
    firstReal: Float32Array,
    firstImaginary: Float32Array,
    firstMask: Float32Array | undefined,
    secondReal: Float32Array | undefined,
    secondImaginary: Float32Array | undefined,
    secondMask: Float32Array | undefined,
  ): void {
    const size = this.size;
    const half = size / 2;
    const real = this.real;
    const imaginary = this.imaginary;
    const scale = 1 / size;
    for (let bin = 0; bin <= half; bin++) {
      const firstGain = firstMask ? firstMask[bin]! * scale : scale;
      const ar = firstReal[bin]! * firstGain;
      const ai = firstImaginary[bin]! * firstGain;
      let br = 0;
      let bi = 0;
      if (secondReal && secondImaginary) {
        const secondGain = secondMask ? secondMask[bin]! * scale : scale;
        br = secondReal[bin]! * secondGain;
        bi = secondImaginary[bin]! * secondGain;
      }
      real[bin] = ar - bi;
      imaginary[bin] = ai + br;
      if (bin > 0 && bin < half) {
        real[size - bin] = ar + bi;
        imaginary[size - bin] = br - ai;
      }
    }
    this.transform(real, imaginary, true);
  }
}
