import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core';

// before: createStemkit({ driver: audioshakeLegacy({ token: process.env.AUDIOSHAKE_TOKEN }) })
const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey: process.env.AUDIOSHAKE_API_KEY }) });
console.log(
  `${stemkit.provider}: list ${stemkit.capabilities.list}, callbacks ${stemkit.capabilities.callbacks}`,
);
