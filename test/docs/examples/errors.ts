// Unsupported asks fail before any request; check error kinds with `isInstance`, not `instanceof`.
import { InvalidArgumentError, StemkitError, UnsupportedCapabilityError } from '@stemkit/core';
import { createStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

const stemkit = createStemkit({ driver: sourcere() });
const [source = './song.wav'] = process.argv.slice(2);

try {
  await stemkit.separate({ source, stems: ['guitar'] }); // Sourcere has no guitar stem
} catch (error) {
  if (UnsupportedCapabilityError.isInstance(error)) console.log(`unsupported: ${error.capability}`);
  else throw error;
}

try {
  await stemkit.get('not a handle');
} catch (error) {
  if (InvalidArgumentError.isInstance(error)) console.log(`invalid argument: ${error.field}`);
  else throw error;
}

try {
  await createStemkit({ driver: sourcere({ password: 'wrong' }) }).separate({ source, stems: ['vocals'] });
} catch (error) {
  // Every stemkit error has a stable code, and never carries a credential.
  if (StemkitError.isInstance(error)) console.log(`${error.code}: ${error.name}`);
  else throw error;
}
