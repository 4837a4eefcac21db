// The batch of `migrate run`, as a child process that fidelity.slow.spec.ts kills with SIGKILL.
// It wires what the command wires (the configuration from the environment, the database, the
// privacy layer, the stages' writers, the source: DATA_DIR, MIGRATION_SOURCE, …) from the
// compiled app in FIDELITY_DIST (dist/, built by the spec), with two differences the test needs:
// small batches, so a kill lands between checkpoints and inside a batch, and its progress on
// stdout, so the test can aim:
//   write <stage> <n>   a batch of n documents is handed to the stage's writer
//   wrote <stage> <n>   the writer returned (the checkpoint is not written yet)
//   checkpoint <stage>  the checkpoint after that batch is stored
//   done <json>         the run's report; the process then exits 0
// Usage: node fidelity-child.mjs <batch documents> <owner> <lease ms>
// A JavaScript file, not TypeScript: it is a test's helper, so neither the build (dist/) nor knip
// should see it as part of the app.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.FIDELITY_DIST;
if (!dist) throw new Error('FIDELITY_DIST names the compiled app');
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);

const [{ loadConfig }, { openDatabase }, { openPrivacy }, { stageWriters }, engine, state, source] =
  await Promise.all([
    load('config/config.js'),
    load('platform/storage/open-database.js'),
    load('privacy/privacy.js'),
    load('modules/firestore-migration/stage-writers.js'),
    load('modules/firestore-migration/engine/migration-engine.js'),
    load('modules/firestore-migration/engine/migration-state.repository.js'),
    load('modules/firestore-migration/source/source-from-config.js'),
  ]);
const { pino } = await import('pino');

const [batchDocuments, owner, leaseMs] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

class TracedState extends state.MigrationStateRepository {
  async checkpoint(partition, ...rest) {
    const kept = await super.checkpoint(partition, ...rest);
    say(`checkpoint ${partition.stage}`);
    return kept;
  }
}

const config = loadConfig(process.env);
const logger = pino({ level: config.log.level }, pino.destination(2));
const db = await openDatabase(config.database, logger);
const privacy = await openPrivacy(config, db);
const traced = Object.fromEntries(
  Object.entries(stageWriters(db, privacy)).map(([stage, writer]) => [
    stage,
    {
      targetsOf: (doc) => writer.targetsOf(doc),
      async write(docs, context) {
        say(`write ${stage} ${docs.length}`);
        const result = await writer.write(docs, context);
        say(`wrote ${stage} ${docs.length}`);
        return result;
      },
    },
  ]),
);
const from = source.sourceFromConfig(config.migration.source);
try {
  const report = await new engine.MigrationEngine({
    source: from,
    state: new TracedState(db),
    writers: traced,
    logger,
    owner,
    options: { batchDocuments: Number(batchDocuments), leaseMs: Number(leaseMs) },
  }).run();
  say(`done ${JSON.stringify(report)}`);
} finally {
  await from.close();
  await db.close();
}
