// Separate song.mp3 and save every stem under stems/ (created when missing).
import { createStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

// Credentials from SOURCERE_USERNAME and SOURCERE_PASSWORD, or pass them: sourcere({ username, password }).
const stemkit = createStemkit({ driver: sourcere() });
const job = await stemkit.wait(
  await stemkit.separate({ source: 'song.mp3', stems: ['vocals', 'drums', 'bass'] }),
);
for (const target of job.targets) {
  for (const output of target.outputs) await stemkit.downloadToFile(output, `stems/${output.name}`);
}
