/**
 * Synthetic test material for stemkit: songs built from known sources, and the SDR that scores a separation.
 *
 * @packageDocumentation
 */
export {
  type SyntheticMixture,
  type SyntheticOptions,
  type SyntheticSources,
  synthesizeMixture,
} from './mixture.ts';
export { seededRandom } from './random.ts';
export { signalToDistortionRatio } from './sdr.ts';
