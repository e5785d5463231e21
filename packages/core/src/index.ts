/**
 * The provider-neutral heart of stemkit.
 *
 * @packageDocumentation
 */

/** The version of the driver contract this build of core speaks. */
export const DRIVER_CONTRACT_VERSION = 1 as const;
