// One storage benchmark step in a fresh process, so its memory and its opening are its own:
//   fill <dir> <count>   inserts <count> documents (batches of 1,000), reads them all back page by
//                        page, prints {"ms", "maxRssMb", "fileBytes"}
//   reopen <dir>         opens the database and answers one indexed query, prints {"ms"}
import { EmbeddedDatabase } from '../../dist/platform/storage/index.js';
import { makeDoc } from '../storage-data.mjs';

const [mode, dir, count] = process.argv.slice(2);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

if (mode === 'fill') {
  const started = performance.now();
  const db = await EmbeddedDatabase.open(dir, { logger: silent, ttlSweepMs: 0 });
  const members = db.collection('members');
  await members.createIndex({ email: 1 }, { unique: true });
  await members.createIndex({ n: 1 });
  for (let i = 0; i < Number(count); i += 1000) {
    await members.insertMany(Array.from({ length: 1000 }, (_, j) => makeDoc(i + j)));
  }
  // Read everything back, a page at a time, as a repository would.
  let seen = 0;
  let after = -1;
  for (;;) {
    const page = await members
      .find({ n: { $gt: after } })
      .sort({ n: 1 })
      .limit(1000)
      .toArray();
    if (page.length === 0) break;
    seen += page.length;
    after = page.at(-1).n;
  }
  const { fileBytes, walBytes } = await db.stats();
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ ms: performance.now() - started, maxRssMb: maxRssMb(), fileBytes: fileBytes + walBytes, seen })}\n`,
  );
} else if (mode === 'reopen') {
  const started = performance.now();
  const db = await EmbeddedDatabase.open(dir, { logger: silent, ttlSweepMs: 0 });
  const found = await db.collection('members').findOne({ email: 'user123456@example.com' });
  const ms = performance.now() - started;
  if (!found) throw new Error('reopened database lacks user123456');
  await db.close();
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
