export { createStemkit } from './create.ts';
export { backoffDelay } from './poll.ts';
export {
  type CallbackReceiver,
  type CallbackReceiverOptions,
  createCallbackReceiver,
} from './receiver.ts';
export type * from './types.ts';
