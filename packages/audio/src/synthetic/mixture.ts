import type { PcmAudio } from '../types.ts';
import { seededRandom } from './random.ts';

/** The known sources of a synthetic mixture, stereo, each as long as the mixture. */
export interface SyntheticSources {
  /** A centre-panned harmonic voice with vibrato and vowel formants, singing in two bars of every three. */
  vocals: PcmAudio;
  /** Kick, snare and hi-hat: percussive transients and noise bursts. */
  drums: PcmAudio;
  /** One low note per beat on the chord root (sometimes an octave up), centre-panned. */
  bass: PcmAudio;
  /** Sustained chords two octaves above the bass, each note panned wide to one side. */
  other: PcmAudio;
}

/**
 * What {@link synthesizeMixture} returns: the stereo mixture and the sources it is the exact sum of.
 *
 * @example
 * ```ts
 * const { mixture, sources, tempo } = synthesizeMixture({ seed: 7 });
 * console.log(tempo, mixture.sampleRate, sources.vocals.channels.length);
 * ```
 */
export interface SyntheticMixture {
  /** The song: the sum of the four sources. */
  mixture: PcmAudio;
  /** The four stems the mixture is built from, to score a separation against. */
  sources: SyntheticSources;
  /** Beats per minute the arrangement was played at. */
  tempo: number;
}

/**
 * Options of {@link synthesizeMixture}. The same options always give the same samples.
 *
 * @example
 * ```ts
 * const short = synthesizeMixture({ seed: 3, seconds: 2, sampleRate: 22_050 });
 * ```
 */
export interface SyntheticOptions {
  /** Seeds the tempo, key, chords and melody; each seed is a different song. */
  seed: number;
  /** Length in seconds (default 8). */
  seconds?: number;
  /** Sample rate in Hz (default 44 100). */
  sampleRate?: number;
}

const midiToHertz = (note: number) => 440 * 2 ** ((note - 69) / 12);
const MINOR_SCALE = [0, 2, 3, 5, 7, 8, 10];

class Track {
  readonly sampleRate: number;
  readonly left: Float32Array;
  readonly right: Float32Array;
  constructor(sampleRate: number, frames: number) {
    this.sampleRate = sampleRate;
    this.left = new Float32Array(frames);
    this.right = new Float32Array(frames);
  }

  /** Adds `render(t)` from `start` seconds for `seconds`, panned with the constant-power law (pan −1…1). */
  add(start: number, seconds: number, pan: number, render: (time: number, index: number) => number): void {
    const angle = ((pan + 1) * Math.PI) / 4;
    const leftGain = Math.cos(angle) * Math.SQRT2;
    const rightGain = Math.sin(angle) * Math.SQRT2;
    const first = Math.max(0, Math.round(start * this.sampleRate));
    const last = Math.min(this.left.length, first + Math.round(seconds * this.sampleRate));
    for (let index = first; index < last; index++) {
      const sample = render((index - first) / this.sampleRate, index - first);
      this.left[index] = this.left[index]! + sample * leftGain;
      this.right[index] = this.right[index]! + sample * rightGain;
    }
  }

  /** Scales the track to an RMS level in dBFS. */
  normalize(decibels: number): PcmAudio {
    let energy = 0;
    for (let index = 0; index < this.left.length; index++)
      energy += this.left[index]! ** 2 + this.right[index]! ** 2;
    const rms = Math.sqrt(energy / (2 * this.left.length));
    const gain = rms > 0 ? 10 ** (decibels / 20) / rms : 0;
    for (const channel of [this.left, this.right])
      for (let index = 0; index < channel.length; index++) channel[index] = channel[index]! * gain;
    return { sampleRate: this.sampleRate, channels: [this.left, this.right] };
  }
}

/** Attack and release ramps around a note of `length` seconds. */
function envelope(time: number, length: number, attack: number, release: number): number {
  if (time < attack) return time / attack;
  if (time > length - release) return Math.max(0, (length - time) / release);
  return 1;
}

/**
 * Synthesizes a short song from known sources: a centre-panned harmonic voice singing phrases with vibrato and
 * vowel formants, a kick/snare/hi-hat groove, a low bass line, and sustained chords panned wide. The mixture is
 * the exact sum of the sources, so a separation can be scored against each of them.
 *
 * @example
 * ```ts
 * const { mixture, sources } = synthesizeMixture({ seed: 1, seconds: 8 });
 * const { vocals } = await separateSet(mixture, 'two');
 * if (vocals) console.log(signalToDistortionRatio(sources.vocals, vocals));
 * ```
 */
export function synthesizeMixture(options: SyntheticOptions): SyntheticMixture {
  const { seed, seconds = 8, sampleRate = 44_100 } = options;
  const random = seededRandom(seed);
  const frames = Math.round(seconds * sampleRate);
  const tempo = 90 + Math.floor(random() * 40);
  const beat = 60 / tempo;
  const bar = 4 * beat;
  const key = 40 + Math.floor(random() * 7); // E2…A#2
  const progression = Array.from(
    { length: 4 },
    () => MINOR_SCALE[Math.floor(random() * MINOR_SCALE.length)]!,
  );
  const bars = Math.ceil(seconds / bar);
  const tracks = {
    vocals: new Track(sampleRate, frames),
    drums: new Track(sampleRate, frames),
    bass: new Track(sampleRate, frames),
    other: new Track(sampleRate, frames),
  };
  const noise = () => random() * 2 - 1;

  for (let barIndex = 0; barIndex < bars; barIndex++) {
    const barStart = barIndex * bar;
    const root = key + progression[barIndex % progression.length]!;

    // Drums: kick on 1 and 3 (sometimes the "and" of 4), snare on 2 and 4, hats on every eighth.
    for (const kickBeat of random() < 0.5 ? [0, 2] : [0, 2, 3.5]) {
      let phase = 0;
      tracks.drums.add(barStart + kickBeat * beat, 0.35, 0, (time) => {
        phase += (2 * Math.PI * (48 + 110 * Math.exp(-time / 0.03))) / sampleRate;
        return Math.sin(phase) * Math.exp(-time / 0.1);
      });
    }
    for (const snareBeat of [1, 3]) {
      let low = 0;
      tracks.drums.add(barStart + snareBeat * beat, 0.25, 0, (time) => {
        low += 0.3 * (noise() - low);
        return (
          0.5 * low * Math.exp(-time / 0.07) +
          0.4 * Math.sin(2 * Math.PI * 185 * time) * Math.exp(-time / 0.04)
        );
      });
    }
    for (let eighth = 0; eighth < 8; eighth++) {
      let previous = 0;
      tracks.drums.add(barStart + eighth * (beat / 2), 0.08, eighth % 2 ? 0.25 : -0.25, (time) => {
        const white = noise();
        const high = white - previous; // a first difference: high-passed noise
        previous = white;
        return 0.25 * high * Math.exp(-time / 0.02);
      });
    }

    // Bass: one note per beat on the chord root, an octave jump on some beats; harmonics fall off fast.
    for (let beatIndex = 0; beatIndex < 4; beatIndex++) {
      const frequency = midiToHertz(root - 12 + (random() < 0.25 ? 12 : 0));
      const length = beat * (0.7 + 0.25 * random());
      tracks.bass.add(barStart + beatIndex * beat, length, 0, (time) => {
        let sample = 0;
        for (let harmonic = 1; harmonic <= 5; harmonic++)
          sample += Math.sin(2 * Math.PI * frequency * harmonic * time) / harmonic ** 2.5;
        return sample * envelope(time, length, 0.008, 0.03) * Math.exp(-time / 1.5);
      });
    }

    // Chords: a triad (plus seventh) two octaves above the bass root, each note panned hard to one side.
    const chordRoot = root + 24;
    const intervals = random() < 0.5 ? [0, 3, 7] : [0, 3, 7, 10];
    intervals.forEach((interval, noteIndex) => {
      const frequency = midiToHertz(chordRoot + interval);
      const pan = (noteIndex % 2 === 0 ? -1 : 1) * (0.7 + 0.3 * random());
      tracks.other.add(barStart, bar, pan, (time) => {
        let sample = 0;
        for (let harmonic = 1; harmonic <= 8; harmonic++)
          sample += Math.sin(2 * Math.PI * frequency * harmonic * time + harmonic) / harmonic ** 1.5;
        return sample * envelope(time, bar, 0.06, 0.1);
      });
    });

    // Voice: sings in two of every three bars, notes of an eighth to a dotted quarter from the scale.
    if (barIndex % 3 !== 2) {
      let time = random() < 0.5 ? 0 : beat / 2;
      while (time < bar - beat / 2) {
        const length = Math.min(bar - time, (beat / 2) * (1 + Math.floor(random() * 3)));
        const degree = Math.floor(random() * 10);
        const note = key + 24 + 12 * Math.floor(degree / 7) + MINOR_SCALE[degree % 7]!;
        const frequency = midiToHertz(note);
        const vibratoRate = 5 + random();
        // Vowel formants near 700 Hz, 1.2 kHz and 2.6 kHz on a falling slope, weighed at the nominal pitch.
        const weights = Array.from({ length: Math.floor(6000 / frequency) }, (_, index) => {
          const partial = (index + 1) * frequency;
          const formant = (centre: number, width: number) => Math.exp(-(((partial - centre) / width) ** 2));
          return 0.15 / (index + 1) + formant(700, 250) + 0.6 * formant(1200, 300) + 0.3 * formant(2600, 400);
        });
        let phase = 0;
        tracks.vocals.add(barStart + time, length * 0.92, 0, (seconds) => {
          phase +=
            (2 * Math.PI * frequency * (1 + 0.006 * Math.sin(2 * Math.PI * vibratoRate * seconds))) /
            sampleRate;
          let sample = 0;
          for (let harmonic = 0; harmonic < weights.length; harmonic++)
            sample += weights[harmonic]! * Math.sin((harmonic + 1) * phase);
          return sample * envelope(seconds, length * 0.92, 0.03, 0.06);
        });
        time += length;
      }
    }
  }

  const sources: SyntheticSources = {
    vocals: tracks.vocals.normalize(-20),
    drums: tracks.drums.normalize(-21),
    bass: tracks.bass.normalize(-21),
    other: tracks.other.normalize(-22),
  };
  const mixture: PcmAudio = { sampleRate, channels: [new Float32Array(frames), new Float32Array(frames)] };
  for (const source of Object.values(sources) as PcmAudio[]) {
    source.channels.forEach((channel, index) => {
      const output = mixture.channels[index]!;
      for (let frame = 0; frame < frames; frame++) output[frame] = output[frame]! + channel[frame]!;
    });
  }
  return { mixture, sources, tempo };
}
