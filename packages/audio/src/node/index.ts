/**
 * Node-only helpers of `@stemkit/audio`: files in bounded memory (probe, stream, decode, encode, separate).
 *
 * @packageDocumentation
 */
export { type AudioFileStream, decodeFile, probeFile, streamAudioFile } from './read.ts';
export { type SeparateFileOptions, separateFile } from './separate-file.ts';
export { WavFileWriter } from './wav-file-writer.ts';
export { encodeFile, formatFromPath } from './write.ts';
