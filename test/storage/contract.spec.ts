import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { DelayedDatabase } from '../../src/platform/storage/delayed-database.js';
import { EmbeddedDatabase, MongoDatabase } from '../../src/platform/storage/index.js';
import { describeDatabaseContract } from './contract.js';
import { memoryLogger } from './support/memory-logger.js';

describeDatabaseContract('EmbeddedDatabase', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-contract-'));
  const open = () =>
    EmbeddedDatabase.open(dir, { logger: memoryLogger(), dbName: 'contract', ttlSweepMs: 100 });
  return {
    open,
    reopen: async (db) => {
      await db.close();
      return open();
    },
    openAnother: open,
    ttlWaitMs: 5_000,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

// The bench-only delay (BENCH_DB_DELAY_MS) changes when a call runs, never what it answers.
describeDatabaseContract('DelayedDatabase over EmbeddedDatabase', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-contract-delayed-'));
  const open = async () =>
    new DelayedDatabase(
      await EmbeddedDatabase.open(dir, {
        logger: memoryLogger(),
        dbName: 'contract',
        ttlSweepMs: 100,
      }),
      1,
    );
  return {
    open,
    reopen: async (db) => {
      await db.close();
      return open();
    },
    openAnother: open,
    ttlWaitMs: 5_000,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

const uri = process.env.MONGODB_URI;
describe.skipIf(!uri)(
  'with a real server (skipped: set MONGODB_URI to run the contract against MongoDB/DocumentDB)',
  () => {
    describeDatabaseContract('MongoDatabase', async () => {
      const dbName = `workmatch_contract_${process.pid}_${Date.now()}`;
      const config = { uri: uri!, dbName, tlsCaFile: process.env.MONGODB_TLS_CA_FILE };
      const open = () => MongoDatabase.connect(config, memoryLogger());
      // The TTL monitor sleeps 60 s between passes; make it 1 s where the server allows it.
      const admin = new MongoClient(uri!);
      await admin
        .db('admin')
        .command({ setParameter: 1, ttlMonitorSleepSecs: 1 })
        .catch(() => undefined)
        .finally(() => admin.close());
      return {
        open,
        reopen: async (db) => {
          await db.close();
          return open();
        },
        openAnother: open,
        ttlWaitMs: 130_000,
        cleanup: async () => {
          const client = new MongoClient(uri!);
          try {
            await client.db(dbName).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    });
  },
);
