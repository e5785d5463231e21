/**
 * An in-place iterative radix-2 complex FFT with precomputed bit-reversal and twiddle tables.
 * Real signals go through it two at a time (see {@link Fft.forwardPair} and {@link Fft.inversePair}).
 */
export class Fft {
  readonly size: number;
  /** Work buffers the pair transforms use; callers may read them between calls. */
  readonly real: Float64Array;
  readonly imaginary: Float64Array;
  private readonly reversed: Uint32Array;
  private readonly cosine: Float64Array;
  private readonly sine: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(Math.log2(size)) || size < 4)
      throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    this.real = new Float64Array(size);
    this.imaginary = new Float64Array(size);
    this.reversed = new Uint32Array(size);
    const bits = Math.log2(size);
    for (let index = 0; index < size; index++) {
      let reversed = 0;
      for (let bit = 0; bit < bits; bit++) reversed |= ((index >> bit) & 1) << (bits - 1 - bit);
      this.reversed[index] = reversed;
    }
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
    const reversed = this.reversed;
    for (let index = 0; index < size; index++) {
      const other = reversed[index]!;
      if (other > index) {
        const swapReal = real[index]!;
        real[index] = real[other]!;
        real[other] = swapReal;
        const swapImaginary = imaginary[index]!;
        imaginary[index] = imaginary[other]!;
        imaginary[other] = swapImaginary;
      }
    }
    // First stage: twiddle 1, butterflies of adjacent pairs.
    for (let top = 0; top < size; top += 2) {
      const topReal = real[top]!;
      const topImaginary = imaginary[top]!;
      const bottomReal = real[top + 1]!;
      const bottomImaginary = imaginary[top + 1]!;
      real[top] = topReal + bottomReal;
      imaginary[top] = topImaginary + bottomImaginary;
      real[top + 1] = topReal - bottomReal;
      imaginary[top + 1] = topImaginary - bottomImaginary;
    }
    const cosine = this.cosine;
    const sine = this.sine;
    const sign = inverse ? 1 : -1;
    for (let span = 4; span <= size; span <<= 1) {
      const half = span >> 1;
      const stride = size / span;
      // Twiddle outside, butterflies inside: each twiddle is read once per stage.
      for (let offset = 0; offset < half; offset++) {
        const twiddleReal = cosine[offset * stride]!;
        const twiddleImaginary = sign * sine[offset * stride]!;
        for (let top = offset; top < size; top += span) {
          const bottom = top + half;
          const bottomReal = real[bottom]!;
          const bottomImaginary = imaginary[bottom]!;
          const productReal = bottomReal * twiddleReal - bottomImaginary * twiddleImaginary;
          const productImaginary = bottomReal * twiddleImaginary + bottomImaginary * twiddleReal;
          const topReal = real[top]!;
          const topImaginary = imaginary[top]!;
          real[bottom] = topReal - productReal;
          imaginary[bottom] = topImaginary - productImaginary;
          real[top] = topReal + productReal;
          imaginary[top] = topImaginary + productImaginary;
        }
      }
    }
  }

  /**
   * Spectra (bins 0…size/2) of two real signals at once, from one complex transform of `first + i·second`.
   * The signals are read from `first`/`second` (length `size`); `second` may be undefined for a single signal.
   */
  forwardPair(
    first: Float64Array,
    second: Float64Array | undefined,
    firstReal: Float32Array,
    firstImaginary: Float32Array,
    secondReal: Float32Array | undefined,
    secondImaginary: Float32Array | undefined,
  ): void {
    const size = this.size;
    const real = this.real;
    const imaginary = this.imaginary;
    real.set(first);
    if (second) imaginary.set(second);
    else imaginary.fill(0);
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
   * Inverse of {@link Fft.forwardPair}: two half spectra (bins 0…size/2) back to two real signals, scaled by 1/size,
   * left in {@link Fft.real} (first) and {@link Fft.imaginary} (second).
   */
  inversePair(
    firstReal: Float32Array,
    firstImaginary: Float32Array,
    secondReal: Float32Array | undefined,
    secondImaginary: Float32Array | undefined,
  ): void {
    const size = this.size;
    const half = size / 2;
    const real = this.real;
    const imaginary = this.imaginary;
    for (let bin = 0; bin <= half; bin++) {
      const ar = firstReal[bin]!;
      const ai = firstImaginary[bin]!;
      const br = secondReal ? secondReal[bin]! : 0;
      const bi = secondImaginary ? secondImaginary[bin]! : 0;
      real[bin] = ar - bi;
      imaginary[bin] = ai + br;
      if (bin > 0 && bin < half) {
        real[size - bin] = ar + bi;
        imaginary[size - bin] = br - ai;
      }
    }
    this.transform(real, imaginary, true);
    const scale = 1 / size;
    for (let index = 0; index < size; index++) {
      real[index] = real[index]! * scale;
      imaginary[index] = imaginary[index]! * scale;
    }
  }
}
