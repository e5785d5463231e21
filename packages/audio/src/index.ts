/**
 * The stemkit audio engine, with no HTTP: WAV codec (other formats through ffmpeg in Node), probing, DSP stem
 * separation, residuals, mix with volume and pan, sample-exact trim, and zip.
 *
 * @packageDocumentation
 */
export { decodeAudio, encodeAudio, probeAudio, wavInfo } from './codec/index.ts';
export { sniffFormat } from './codec/sniff.ts';
export { decodeWav, encodeWav, type WavBitDepth, type WavWriter, wavWriter } from './codec/wav.ts';
export { separate, separateSet, separateToWav } from './dsp/separate.ts';
export { type BlockSink, DEFAULT_SETTINGS, type SeparatorSettings, StemSeparator } from './dsp/separator.ts';
export { type BasePart, STEM_RECIPES, type StemRecipe, stemRecipe } from './dsp/stems.ts';
export { type MixTrack, mix, panGains } from './edit/mix.ts';
export { residual } from './edit/residual.ts';
export { trim } from './edit/trim.ts';
export { AudioError, type AudioErrorCode } from './errors.ts';
export { type LocalAudioPlugin, localAudio } from './plugin.ts';
export { AUDIO_FORMATS, type AudioFormat, type AudioInfo, type PcmAudio } from './types.ts';
export { zip } from './zip.ts';
