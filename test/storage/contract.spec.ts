import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { EmbeddedDatabase, MongoDatabase } from '../../src/platform/storage/index.js';
import { describeDatabaseContract } from './contract.js';
import { memoryLogger } from './support/memory-logger.js';

describeDatabaseContract('EmbeddedDatabase', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-contract-'));
  const open = () => EmbeddedDatabase.open(dir, { logger: memoryLogger(), dbName: 'contract' });
  return {
    open,
    reopen: async (db) => {
      await db.close();
      return open();
    },
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
      return {
        open,
        reopen: async (db) => {
          await db.close();
          return open();
        },
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
