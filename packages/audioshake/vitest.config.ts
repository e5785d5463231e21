import { stemkitProject } from '../../vitest.shared.ts';

export default stemkitProject('audioshake', {
  // The emulator's multipart receiver pipes the request without an error listener, so the conformance
  // suite's aborted upload surfaces as an uncaught `aborted` on the emulator's side of the socket. Only that
  // server-side error is ignored; remove this once packages/emulator/src/http/multipart.ts handles it.
  onUnhandledError: (error) =>
    !(
      error.message === 'aborted' &&
      (error as { code?: string }).code === 'ECONNRESET' &&
      String(error.stack).includes('_http_server')
    ),
});
