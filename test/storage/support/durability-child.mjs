// A process that uses the embedded engine the way the crash and multi-process tests need,
// reporting on stdout:
//   write <dir> <k>          crash round k: writes forever; prints `ack <id>` / `batch <tag>` /
//                            `round <n>` once acknowledged (ids start `r<k>-`, rounds from k × 10^6)
//   increment <dir> <n>      n read-modify-write increments of counter `c` (versioned, retried) and
//                            n `$inc`s of counter `i` through findOneAndUpdate; prints `done`
//   claim <dir> <name>       claims queued jobs with findOneAndUpdate until none is left; prints
//                            `claimed <id>` for each, then `done`
// The test kills `write` with SIGKILL whenever it has seen enough. Storage comes from
// STORAGE_ENTRY, compiled from the sources by child-runtime.ts.
const { EmbeddedDatabase } = await import(process.env.STORAGE_ENTRY);
const [mode, dir, arg] = process.argv.slice(2);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const say = (line) => process.stdout.write(`${line}\n`);

/** A document whose content can be checked whole: a torn one would fail `intact`. */
function doc(id, seq) {
  const payload = `${id}:`.repeat(1 + (seq % 40));
  return { _id: id, seq, payload, length: payload.length, email: `${id}@x.kr` };
}

async function writeForever(db, k) {
  const prefix = `r${k}-`;
  const docs = db.collection('docs');
  const groups = db.collection('groups');
  await docs.createIndex({ email: 1 }, { unique: true });
  // One multi-document write per round: after a crash all 20 hold the same round, or the test fails.
  await groups.bulkWrite(
    Array.from({ length: 20 }, (_, i) => ({
      updateOne: { filter: { _id: `g${i}` }, update: { $setOnInsert: { round: 0 } }, upsert: true },
    })),
  );
  say('ready');
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
        const round = k * 1_000_000 + n;
        await groups.updateMany({}, { $set: { round } });
        say(`round ${round}`);
      } else {
        const id = `${prefix}${n}`;
        await docs.insertOne(doc(id, n));
        say(`ack ${id}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, lane) => writer(lane)));
}

async function increment(db, n) {
  const counters = db.collection('counters');
  for (let i = 0; i < n; i++) {
    for (;;) {
      const current = await counters.findOne({ _id: 'c' });
      const result = await counters.updateOne(
        { _id: 'c', version: current.version },
        { $set: { value: current.value + 1 }, $inc: { version: 1 } },
      );
      if (result.modifiedCount === 1) break;
    }
    await counters.findOneAndUpdate({ _id: 'i' }, { $inc: { value: 1 } });
  }
}

async function claim(db, name) {
  const jobs = db.collection('jobs');
  for (;;) {
    const job = await jobs.findOneAndUpdate(
      { state: 'queued' },
      { $set: { state: 'taken', by: name } },
      { sort: { _id: 1 }, returnDocument: 'after' },
    );
    if (!job) return;
    say(`claimed ${job._id}`);
  }
}

const db = await EmbeddedDatabase.open(dir, { logger: silent, busyTimeoutMs: 30_000 });
if (mode === 'write') {
  await writeForever(db, Number(arg));
} else if (mode === 'increment') {
  await increment(db, Number(arg));
  await db.close();
  say('done');
} else if (mode === 'claim') {
  await claim(db, arg);
  await db.close();
  say('done');
} else {
  throw new Error(`unknown mode ${mode}`);
}
