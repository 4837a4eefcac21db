// A process that uses the embedded engine the way a crash test needs, reporting on stdout:
//   write <dir>            writes forever; prints `ack <id>` / `batch <tag>` / `round <n>` once durable
//   hold <dir>             opens the database, prints `ready`, then idles
//   compact <dir> <step>   writes, compacts, and stops dead (idles) at <step> after more writes
// The test kills it with SIGKILL whenever it has seen enough. Storage comes from STORAGE_ENTRY,
// compiled from the sources by child-runtime.ts.
import { setInterval } from 'node:timers';

const { EmbeddedDatabase } = await import(process.env.STORAGE_ENTRY);
const [mode, dir, step] = process.argv.slice(2);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const idle = () => new Promise(() => setInterval(() => {}, 1 << 30));
const say = (line) => process.stdout.write(`${line}\n`);

/** A document whose content can be checked whole: a torn one would fail `intact`. */
function doc(id, seq) {
  const payload = `${id}:`.repeat(1 + (seq % 40));
  return { _id: id, seq, payload, length: payload.length };
}

async function writeForever(db, prefix) {
  const docs = db.collection('docs');
  const groups = db.collection('groups');
  // One multi-document record per round: after a crash all 20 hold the same round, or the test fails.
  await groups.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `g${i}`, round: 0 })));
  say('round 0');
  let seq = 0;
  const writer = async (lane) => {
    for (;;) {
      const n = seq++;
      if (n % 10 === lane) {
        const tag = `${prefix}b${n}`;
        await docs.bulkWrite(
          Array.from({ length: 5 }, (_, i) => ({
            insertOne: { document: { ...doc(`${tag}-${i}`, n), batch: tag } },
          })),
        );
        say(`batch ${tag}`);
      } else if (n % 7 === 0) {
        await groups.updateMany({}, { $set: { round: n } });
        say(`round ${n}`);
      } else {
        const id = `${prefix}${n}`;
        await docs.insertOne(doc(id, n));
        say(`ack ${id}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, lane) => writer(lane)));
}

if (mode === 'write') {
  const db = await EmbeddedDatabase.open(dir, { logger: silent });
  say('ready');
  await writeForever(db, 'w');
} else if (mode === 'hold') {
  await EmbeddedDatabase.open(dir, { logger: silent });
  say('ready');
  await idle();
} else if (mode === 'compact') {
  let stopped = false;
  const db = await EmbeddedDatabase.open(dir, {
    logger: silent,
    compaction: { auto: false },
    onCompactionStep: async (at) => {
      if (at !== step) return;
      stopped = true;
      // Writes made while the compaction is under way land in the new journal; make some durable.
      const docs = db.collection('docs');
      for (let i = 0; i < 20; i++) {
        await docs.insertOne(doc(`during${i}`, i));
        say(`ack during${i}`);
      }
      say(`at ${at}`);
      await idle();
    },
  });
  const docs = db.collection('docs');
  for (let i = 0; i < 200; i++) {
    await docs.insertOne(doc(`before${i}`, i));
    say(`ack before${i}`);
  }
  await docs.updateMany({ seq: { $lt: 100 } }, { $set: { updated: true } });
  await docs.deleteMany({ seq: { $gte: 190 } });
  say('prepared');
  await db.compact();
  if (!stopped) say('compacted');
  await idle();
} else {
  throw new Error(`unknown mode ${mode}`);
}
