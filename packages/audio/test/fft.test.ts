import { describe, expect, it } from 'vitest';
import { Fft } from '../src/dsp/fft.ts';

/** The textbook O(n²) DFT, for reference. */
function dft(real: Float64Array, imaginary: Float64Array, sign: number): [Float64Array, Float64Array] {
  const size = real.length;
  const outReal = new Float64Array(size);
  const outImaginary = new Float64Array(size);
  for (let bin = 0; bin < size; bin++) {
    for (let index = 0; index < size; index++) {
      const angle = (sign * 2 * Math.PI * bin * index) / size;
      outReal[bin] = outReal[bin]! + real[index]! * Math.cos(angle) - imaginary[index]! * Math.sin(angle);
      outImaginary[bin] =
        outImaginary[bin]! + real[index]! * Math.sin(angle) + imaginary[index]! * Math.cos(angle);
    }
  }
  return [outReal, outImaginary];
}

const randomVector = (size: number, seed: number) =>
  Float64Array.from({ length: size }, (_, index) => Math.sin(seed * 12.9898 + index * 78.233) * 0.5);

describe('FFT', () => {
  for (const size of [4, 8, 32, 128, 512]) {
    it(`matches the DFT at size ${size}, forward and inverse`, () => {
      const fft = new Fft(size);
      for (const inverse of [false, true]) {
        const real = randomVector(size, 1);
        const imaginary = randomVector(size, 2);
        const [expectedReal, expectedImaginary] = dft(real, imaginary, inverse ? 1 : -1);
        fft.transform(real, imaginary, inverse);
        for (let bin = 0; bin < size; bin++) {
          expect(real[bin]).toBeCloseTo(expectedReal[bin]!, 9);
          expect(imaginary[bin]).toBeCloseTo(expectedImaginary[bin]!, 9);
        }
      }
    });
  }

  it('transforms two real signals at once and back', () => {
    const size = 256;
    const fft = new Fft(size);
    const first = Float32Array.from(randomVector(size, 3));
    const second = Float32Array.from(randomVector(size, 4));
    const bins = size / 2 + 1;
    const spectra = Array.from({ length: 4 }, () => new Float32Array(bins));
    fft.forwardPair(
      first,
      second,
      new Float64Array(size).fill(1),
      spectra[0]!,
      spectra[1]!,
      spectra[2]!,
      spectra[3]!,
    );
    const [firstReal] = dft(Float64Array.from(first), new Float64Array(size), -1);
    const [, secondImaginary] = dft(Float64Array.from(second), new Float64Array(size), -1);
    for (let bin = 0; bin < bins; bin++) {
      expect(spectra[0]![bin]).toBeCloseTo(firstReal[bin]!, 4);
      expect(spectra[3]![bin]).toBeCloseTo(secondImaginary[bin]!, 4);
    }
    fft.inversePair(spectra[0]!, spectra[1]!, undefined, spectra[2]!, spectra[3]!, undefined);
    for (let index = 0; index < size; index++) {
      expect(fft.real[index]).toBeCloseTo(first[index]!, 5);
      expect(fft.imaginary[index]).toBeCloseTo(second[index]!, 5);
    }
  });
});
