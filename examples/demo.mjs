// The README's main job until the CLI exists: load the built core and report what it speaks.
import { DRIVER_CONTRACT_VERSION } from '@stemkit/core';

console.log(`stemkit core ready: driver contract v${DRIVER_CONTRACT_VERSION}, Node ${process.versions.node}`);
