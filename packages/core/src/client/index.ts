export { createStemkit } from './create.ts';
export { type LocalFile, type LocalStore, type MemoryStoreOptions, memoryStore } from './local-store.ts';
export { backoffDelay } from './poll.ts';
export {
  type CallbackReceiver,
  type CallbackReceiverOptions,
  createCallbackReceiver,
} from './receiver.ts';
export type * from './types.ts';
