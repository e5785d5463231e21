// The DSP's own CPU for the four stems of a track: `separateSet(audio, 'four')` on the decoded file, in a fresh
// process as an emulator worker runs it (no warm-up). Prints one JSON line.
import { readFile } from 'node:fs/promises';
import { decodeAudio, separateSet } from '@stemkit/audio';

const audio = await decodeAudio(new Uint8Array(await readFile(process.argv[2] as string)));
const before = process.cpuUsage();
await separateSet(audio, 'four');
const cpu = process.cpuUsage(before);
console.log(JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
