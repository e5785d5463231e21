import { bandWeights, rise } from './bands.ts';
import { Fft } from './fft.ts';
import { replaceSorted, slidingMedian } from './median.ts';
import type { BasePart, StemRecipe } from './stems.ts';

/** Tuning of the STFT masks; the defaults are what the quality figures in the README were measured with. */
export interface SeparatorSettings {
  /** STFT frame length in seconds, rounded to a power-of-two number of samples. */
  frameSeconds: number;
  /** Span of the time median that finds sustained (harmonic) energy above the bass band. */
  harmonicSeconds: number;
  /** Span of the same median in the bass band, longer because kicks ring longer than hats. */
  bassHarmonicSeconds: number;
  /** Span of the frequency median that finds broadband (percussive) energy. */
  percussiveHertz: number;
  /** Harmonic content below this is bass (one-octave crossover centred here). */
  bassCrossoverHertz: number;
  /** Sharpness of the centre mask: centre-ness is raised to this power. */
  centrePower: number;
}

/** The settings {@link separate}, {@link separateSet} and {@link StemSeparator} use unless told otherwise. */
export const DEFAULT_SETTINGS: SeparatorSettings = {
  frameSeconds: 0.046,
  harmonicSeconds: 0.2,
  bassHarmonicSeconds: 0.4,
  percussiveHertz: 300,
  bassCrossoverHertz: 200,
  centrePower: 2,
};

/** For mono input, the band taken as vocals (a voice's fundamentals and formants). */
export const MONO_VOICE_BAND = { low: 150, high: 5000 } as const;

/** Receives output in blocks: `blocks[stem][channel]` holds `length` new frames (buffers are reused: copy them). */
export type BlockSink = (blocks: readonly (readonly Float32Array[])[], length: number) => void;

/** One channel of one stem: its mask, the second half of the previous frame still to add, and its output block. */
interface Target {
  mask: Float32Array;
  channel: number;
  carry: Float64Array;
  block: Float32Array;
}

/**
 * Streaming STFT separation. Samples go in with {@link StemSeparator.write}, stems come out through the sink,
 * a fixed latency later; {@link StemSeparator.end} flushes. Memory is a few frames, whatever the track length.
 *
 * Per time-frequency point it computes four masks that sum to 1: drums from a harmonic/percussive split (time
 * median versus frequency median of the magnitude), bass as the harmonic part below the crossover, vocals as the
 * harmonic part above it weighted by how centred the point is in the stereo image, other as the rest.
 *
 * @example
 * ```ts
 * const separator = new StemSeparator({ sampleRate: 44_100, channelCount: 2 }, [stemRecipe('vocals')], {
 *   remainder: true, // a second output: input − vocals
 *   sink: (blocks, length) => console.log(`${blocks.length} outputs, ${length} frames`),
 * });
 * const { chunks } = await streamAudioFile('song.wav');
 * for await (const chunk of chunks) separator.write(chunk.channels);
 * separator.end();
 * ```
 */
export class StemSeparator {
  private readonly size: number;
  private readonly hop: number;
  private readonly bins: number;
  private readonly channelCount: number;
  private readonly fft: Fft;
  private readonly analysisWindow: Float64Array;
  private readonly synthesisWindow: Float64Array;
  private readonly settings: SeparatorSettings;
  private readonly recipes: readonly StemRecipe[];
  private readonly remainder: boolean;
  private readonly sink: BlockSink;

  // Input side: the frame being filled, per channel.
  private readonly pending: Float32Array[];
  private filled: number;
  private written = 0;
  private frameIndex = 0;

  // Ring buffers: spectra and raw first hops for the frames awaiting synthesis, magnitudes for the medians.
  private readonly maxHalf: number;
  private readonly spectrumSlots: number;
  private readonly spectraReal: Float32Array[][];
  private readonly spectraImaginary: Float32Array[][];
  private readonly rawHops: Float32Array[][];
  private readonly magnitudeSlots: number;
  private readonly magnitudes: Float32Array[];

  // Time medians per bin: sorted windows, each bin with its own half-width.
  private readonly halfWidths: Int32Array;
  private readonly windowStride: number;
  private readonly sortedWindows: Float32Array;

  // Per-frame work arrays.
  private readonly percussive: Float32Array;
  private readonly medianScratch: Float32Array;
  private readonly lowWeights: Float32Array;
  private readonly base: Record<BasePart, Float32Array>;
  private readonly centreness: Float32Array;
  private readonly monoVoiceWeights: Float32Array;
  private readonly stemMasks: Float32Array[];
  private readonly stemBands: (Float32Array | undefined)[];
  private readonly targets: Target[];
  private readonly blocks: Float32Array[][];
  private emitted = 0;

  constructor(
    shape: { sampleRate: number; channelCount: number },
    recipes: readonly StemRecipe[],
    options: { remainder?: boolean; sink: BlockSink; settings?: Partial<SeparatorSettings> },
  ) {
    const settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.settings = settings;
    this.recipes = recipes;
    this.remainder = options.remainder ?? false;
    this.sink = options.sink;
    this.channelCount = shape.channelCount;
    const size = Math.max(16, 2 ** Math.round(Math.log2(shape.sampleRate * settings.frameSeconds)));
    const hop = size / 2; // 50 % overlap
    const bins = size / 2 + 1;
    const framesPerSecond = shape.sampleRate / hop;
    const binHertz = shape.sampleRate / size;
    this.size = size;
    this.hop = hop;
    this.bins = bins;
    this.fft = new Fft(size);

    // √Hann analysis and synthesis: at 50 % overlap their products sum to exactly 1 at every sample.
    this.analysisWindow = new Float64Array(size);
    this.synthesisWindow = new Float64Array(size);
    for (let index = 0; index < size; index++) {
      const root = Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size));
      this.analysisWindow[index] = root;
      this.synthesisWindow[index] = root;
    }

    // The first frame starts size − hop zeros before the input, so every sample is covered by two frames.
    this.pending = Array.from({ length: this.channelCount }, () => new Float32Array(size));
    this.filled = size - hop;

    this.halfWidths = new Int32Array(bins);
    const harmonicHalf = Math.max(1, Math.round((settings.harmonicSeconds * framesPerSecond) / 2));
    const bassHalf = Math.max(1, Math.round((settings.bassHarmonicSeconds * framesPerSecond) / 2));
    this.lowWeights = new Float32Array(bins);
    for (let bin = 0; bin < bins; bin++) {
      const low = 1 - rise(bin * binHertz, settings.bassCrossoverHertz, 1);
      this.lowWeights[bin] = low;
      this.halfWidths[bin] = low > 0 ? bassHalf : harmonicHalf;
    }
    this.maxHalf = Math.max(harmonicHalf, bassHalf);
    this.windowStride = 2 * this.maxHalf + 1;
    this.sortedWindows = new Float32Array(bins * this.windowStride);

    this.spectrumSlots = this.maxHalf + 1;
    const perSlot = () =>
      Array.from({ length: this.spectrumSlots }, () =>
        Array.from({ length: this.channelCount }, () => new Float32Array(bins)),
      );
    this.spectraReal = perSlot();
    this.spectraImaginary = perSlot();
    this.rawHops = Array.from({ length: this.spectrumSlots }, () =>
      Array.from({ length: this.channelCount }, () => new Float32Array(hop)),
    );
    this.magnitudeSlots = 2 * this.maxHalf + 2;
    this.magnitudes = Array.from({ length: this.magnitudeSlots }, () => new Float32Array(bins));

    const verticalHalf = Math.max(1, Math.round(settings.percussiveHertz / binHertz / 2));
    this.percussive = new Float32Array(bins);
    this.medianScratch = new Float32Array(2 * verticalHalf + 1);
    this.base = {
      vocals: new Float32Array(bins),
      drums: new Float32Array(bins),
      bass: new Float32Array(bins),
      other: new Float32Array(bins),
    };
    this.centreness = new Float32Array(bins);
    this.monoVoiceWeights = bandWeights(bins, binHertz, { ...MONO_VOICE_BAND, keep: 'inside' });
    this.stemBands = recipes.map((recipe) =>
      recipe.band ? bandWeights(bins, binHertz, recipe.band) : undefined,
    );
    // A recipe that is exactly one base mask reads it directly.
    this.stemMasks = recipes.map((recipe) =>
      recipe.parts.length === 1 && !recipe.band && !recipe.stereo
        ? this.base[recipe.parts[0]!]
        : new Float32Array(bins),
    );
    const outputs = recipes.length + (this.remainder ? 1 : 0);
    this.blocks = Array.from({ length: outputs }, () =>
      Array.from({ length: this.channelCount }, () => new Float32Array(hop)),
    );
    this.targets = recipes.flatMap((_, stem) =>
      Array.from({ length: this.channelCount }, (_, channel) => ({
        mask: this.stemMasks[stem]!,
        channel,
        carry: new Float64Array(hop),
        block: this.blocks[stem]![channel]!,
      })),
    );
  }

  /** Feeds frames `[start, end)` of `channels`. */
  write(channels: readonly Float32Array[], start = 0, end = channels[0]!.length): void {
    this.written += end - start;
    this.feed(channels, start, end);
  }

  /** Flushes: feeds silence until every input frame has come out. */
  end(): void {
    const silence = Array.from({ length: this.channelCount }, () => new Float32Array(this.hop));
    while (this.emitted < this.written) this.feed(silence, 0, this.hop);
  }

  private feed(channels: readonly Float32Array[], start: number, end: number): void {
    let position = start;
    while (position < end) {
      const take = Math.min(end - position, this.size - this.filled);
      for (let channel = 0; channel < this.channelCount; channel++) {
        this.pending[channel]!.set(channels[channel]!.subarray(position, position + take), this.filled);
      }
      this.filled += take;
      position += take;
      if (this.filled === this.size) this.analyseFrame();
    }
  }

  private analyseFrame(): void {
    const { size, hop, bins, channelCount } = this;
    const frame = this.frameIndex++;
    const slot = frame % this.spectrumSlots;
    const real = this.spectraReal[slot]!;
    const imaginary = this.spectraImaginary[slot]!;
    const pending = this.pending;
    this.fft.forwardPair(
      pending[0]!,
      pending[1],
      this.analysisWindow,
      real[0]!,
      imaginary[0]!,
      real[1],
      imaginary[1],
    );
    for (let channel = 0; channel < channelCount; channel++) {
      this.rawHops[slot]![channel]!.set(pending[channel]!.subarray(0, hop));
      pending[channel]!.copyWithin(0, hop);
    }
    this.filled = size - hop;

    const magnitude = this.magnitudes[frame % this.magnitudeSlots]!;
    const [leftReal, rightReal] = real;
    const [leftImaginary, rightImaginary] = imaginary;
    for (let bin = 0; bin < bins; bin++) {
      let power = leftReal![bin]! * leftReal![bin]! + leftImaginary![bin]! * leftImaginary![bin]!;
      if (rightReal && rightImaginary)
        power += rightReal[bin]! * rightReal[bin]! + rightImaginary[bin]! * rightImaginary[bin]!;
      magnitude[bin] = Math.sqrt(power);
    }

    // Advance every bin's time-median window to centre on the frame about to be synthesized.
    const centre = frame - this.maxHalf;
    const row = (index: number) =>
      this.magnitudes[((index % this.magnitudeSlots) + this.magnitudeSlots) % this.magnitudeSlots]!;
    const stride = this.windowStride;
    const sorted = this.sortedWindows;
    let half = -1;
    let leavingRow = magnitude;
    let enteringRow = magnitude;
    for (let bin = 0; bin < bins; bin++) {
      if (this.halfWidths[bin] !== half) {
        half = this.halfWidths[bin]!;
        leavingRow = row(centre - half - 1);
        enteringRow = row(centre + half);
      }
      const leaving = leavingRow[bin]!;
      const entering = enteringRow[bin]!;
      if (leaving !== entering)
        replaceSorted(sorted, bin * stride, bin * stride + 2 * half + 1, leaving, entering);
    }
    if (centre >= 0) this.synthesizeFrame(centre);
  }

  private computeMasks(centre: number): void {
    const { bins, settings, base } = this;
    const magnitude = this.magnitudes[centre % this.magnitudeSlots]!;
    slidingMedian(magnitude, (this.medianScratch.length - 1) / 2, this.percussive, this.medianScratch);
    const slot = centre % this.spectrumSlots;
    const stereo = this.channelCount === 2;
    const [leftReal, rightReal] = this.spectraReal[slot]!;
    const [leftImaginary, rightImaginary] = this.spectraImaginary[slot]!;
    const stride = this.windowStride;
    const centrePower = settings.centrePower;
    // Locals, not fields, in the hot loop: the engine then keeps them in registers.
    const { sortedWindows, halfWidths, lowWeights, percussive, monoVoiceWeights, centreness } = this;
    const { drums: drumsMask, bass: bassMask, vocals: vocalsMask, other: otherMask } = base;
    for (let bin = 0; bin < bins; bin++) {
      const sustained = sortedWindows[bin * stride + halfWidths[bin]!]!;
      const low = lowWeights[bin]!;
      // In the bass band a kick rings as long as a note, so what rises above the sustained level counts too.
      const excess = Math.max(0, magnitude[bin]! - sustained) * low;
      // Wiener-like soft masks: shares of the squared levels.
      const percussiveMagnitude = Math.max(percussive[bin]!, excess);
      const harmonicLevel = sustained * sustained;
      const percussiveLevel = percussiveMagnitude * percussiveMagnitude;
      const total = harmonicLevel + percussiveLevel;
      const drums = total > 0 ? percussiveLevel / total : 0;
      const harmonic = 1 - drums;
      // Mono has no stereo image: the singing range stands in for the centre.
      let centred = monoVoiceWeights[bin]!;
      if (stereo) {
        const a = leftReal![bin]!;
        const b = leftImaginary![bin]!;
        const c = rightReal![bin]!;
        const d = rightImaginary![bin]!;
        const energy = a * a + b * b + c * c + d * d;
        // 1 when left and right are equal (centre), 0 when one side is silent or they are in antiphase.
        centred = energy > 0 ? Math.max(0, (2 * (a * c + b * d)) / energy) : 1;
      }
      centreness[bin] = centred;
      const vocalShare = centrePower === 2 ? centred * centred : centred ** centrePower;
      const upper = harmonic * (1 - low);
      drumsMask[bin] = drums;
      bassMask[bin] = harmonic * low;
      vocalsMask[bin] = upper * vocalShare;
      otherMask[bin] = upper * (1 - vocalShare);
    }

    for (let stem = 0; stem < this.recipes.length; stem++) {
      const recipe = this.recipes[stem]!;
      const mask = this.stemMasks[stem]!;
      if (mask === base[recipe.parts[0]!]) continue;
      const band = this.stemBands[stem];
      const parts = recipe.parts.map((part) => base[part]);
      for (let bin = 0; bin < bins; bin++) {
        let value = 0;
        for (const part of parts) value += part[bin]!;
        if (band) value *= band[bin]!;
        if (recipe.stereo) {
          const share = this.centreness[bin]! ** recipe.stereo.power;
          value *= recipe.stereo.keep === 'centre' ? share : 1 - share;
        }
        mask[bin] = value;
      }
    }
  }

  private synthesizeFrame(centre: number): void {
    this.computeMasks(centre);
    const { hop, fft } = this;
    const slot = centre % this.spectrumSlots;
    const targets = this.targets;
    const spectraReal = this.spectraReal[slot]!;
    const spectraImaginary = this.spectraImaginary[slot]!;
    const window = this.synthesisWindow;
    for (let pair = 0; pair < targets.length; pair += 2) {
      const first = targets[pair]!;
      const second = targets[pair + 1];
      fft.inversePair(
        spectraReal[first.channel]!,
        spectraImaginary[first.channel]!,
        first.mask,
        second && spectraReal[second.channel],
        second && spectraImaginary[second.channel],
        second?.mask,
      );
      overlapAdd(first, fft.real, window, hop);
      if (second) overlapAdd(second, fft.imaginary, window, hop);
    }

    if (this.remainder) {
      const rest = this.blocks[this.recipes.length]!;
      for (let channel = 0; channel < this.channelCount; channel++) {
        const block = rest[channel]!;
        block.set(this.rawHops[slot]![channel]!);
        for (let stem = 0; stem < this.recipes.length; stem++) {
          const stemBlock = this.blocks[stem]![channel]!;
          for (let index = 0; index < hop; index++) block[index] = block[index]! - stemBlock[index]!;
        }
      }
    }
    this.emit(centre);
  }

  /** Hands the finished hop to the sink, minus the leading padding and anything past the input's end. */
  private emit(centre: number): void {
    const hop = this.hop;
    const firstReal = centre * hop - (this.size - hop);
    const from = Math.max(0, -firstReal);
    const to = Math.min(hop, this.written - firstReal);
    if (to <= from) return;
    const views =
      from === 0 && to === hop
        ? this.blocks
        : this.blocks.map((channels) => channels.map((block) => block.subarray(from, to)));
    this.sink(views, to - from);
    this.emitted += to - from;
  }
}

/**
 * Adds a synthesized frame: its first half completes the target's output block (with the carry from the previous
 * frame), its second half becomes the next carry. With 50 % overlap that is all the bookkeeping there is.
 */
function overlapAdd(target: Target, signal: Float64Array, window: Float64Array, hop: number): void {
  const { carry, block } = target;
  for (let index = 0; index < hop; index++) {
    block[index] = carry[index]! + signal[index]! * window[index]!;
    carry[index] = signal[hop + index]! * window[hop + index]!;
  }
}
