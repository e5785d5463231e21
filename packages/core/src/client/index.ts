export { createStemkit } from './create.ts';
export type * from './types.ts';
export { backoffDelay } from './wait.ts';
