import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from './database.js';
import { MongoDatabase } from './mongo-database.js';
import { openDatabase } from './open-database.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

describe('openDatabase on MongoDB', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hands the driver everything the configuration holds: URI, database, CA bundle and the credentials given apart', async () => {
    const connect = vi
      .spyOn(MongoDatabase, 'connect')
      .mockResolvedValue({ kind: 'mongodb' } as unknown as MongoDatabase & Database);
    await openDatabase(
      {
        kind: 'mongodb',
        uri: 'mongodb://docdb.example:27018/?replicaSet=rs0',
        dbName: 'workmatch',
        tlsCaFile: '/etc/ssl/docdb/global-bundle.pem',
        auth: { username: 'workmatch', password: 'from-the-secret' },
      },
      logger,
    );
    expect(connect).toHaveBeenCalledWith(
      {
        uri: 'mongodb://docdb.example:27018/?replicaSet=rs0',
        dbName: 'workmatch',
        tlsCaFile: '/etc/ssl/docdb/global-bundle.pem',
        auth: { username: 'workmatch', password: 'from-the-secret' },
      },
      logger,
    );
  });
});
