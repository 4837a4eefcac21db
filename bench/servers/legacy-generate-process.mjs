// One legacy generate run in a fresh process, so its peak memory is its own (run with
// --expose-gc):
//   <format> <users> <dir>   writes the dataset (no password hashes: scrypt is not what this
//                            measures), prints {"documents", "seconds", "maxRssMb", "liveHeapMb"}
// liveHeapMb is the largest heap left after a full collection, taken ten times during the run:
// what the generator keeps, as opposed to the garbage V8 lets pile up before collecting it.
import { generateLegacyDataset } from '../../dist/modules/firestore-migration/generator/generate.js';

const [format, users, out] = process.argv.slice(2);
let liveHeap = 0;
let nextSample = 0;
const summary = await generateLegacyDataset({
  users: Number(users),
  seed: 'bench',
  format,
  out,
  authUsers: 0,
  onProgress: ({ done, total }) => {
    if (done < nextSample) return;
    nextSample = done + total / 10;
    globalThis.gc();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  },
});
console.log(
  JSON.stringify({
    documents: summary.documents,
    seconds: summary.seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    liveHeapMb: liveHeap / 1_048_576,
  }),
);
