// The gateway is tested the way the AudioShake drivers are: with the same loopback helpers, kept in one place.
export {
  clientFor,
  downloadAll,
  downloadBytes,
  sampleSong,
  serveFile,
  sha256,
  startReceiver,
} from '../../../audioshake/test/helpers/e2e.ts';
