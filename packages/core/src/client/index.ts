export { createStemkit } from './create.ts';
export { backoffDelay } from './poll.ts';
export type * from './types.ts';
