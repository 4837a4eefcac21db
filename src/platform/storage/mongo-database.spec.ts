import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  type BulkWriteResult,
  type WriteError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BulkWriteError, DatabaseUnavailableError, isDuplicateKeyError } from './errors.js';
import {
  MongoDatabase,
  mongoClientOptions,
  summarizeExplain,
  translateError,
} from './mongo-database.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('mongoClientOptions', () => {
  it('turns retryable writes off, which DocumentDB does not support', () => {
    expect(
      mongoClientOptions({ uri: 'mongodb://h', dbName: 'd', tlsCaFile: undefined }).retryWrites,
    ).toBe(false);
  });

  it('passes credentials given apart from the URI as the driver’s auth option', () => {
    const options = mongoClientOptions({
      uri: 'mongodb://h',
      dbName: 'd',
      tlsCaFile: undefined,
      auth: { username: 'workmatch', password: 'from-the-secret' },
    });
    expect(options.auth).toEqual({ username: 'workmatch', password: 'from-the-secret' });
    expect(
      mongoClientOptions({ uri: 'mongodb://h', dbName: 'd', tlsCaFile: undefined }).auth,
    ).toBeUndefined();
  });

  it('trusts the given CA bundle over TLS', () => {
    const options = mongoClientOptions({
      uri: 'mongodb://h',
      dbName: 'd',
      tlsCaFile: '/certs/global-bundle.pem',
    });
    expect(options).toMatchObject({ tls: true, tlsCAFile: '/certs/global-bundle.pem' });
  });

  it('leaves TLS to the URI when no CA bundle is given', () => {
    expect(
      mongoClientOptions({ uri: 'mongodb://h', dbName: 'd', tlsCaFile: undefined }),
    ).not.toHaveProperty('tls');
  });

  it('gives up server selection quickly, so requests fail fast while the database is away', () => {
    const options = mongoClientOptions({ uri: 'mongodb://h', dbName: 'd', tlsCaFile: undefined });
    expect(options.serverSelectionTimeoutMS).toBeLessThanOrEqual(5_000);
    expect(options.appName).toBe('workmatch');
  });
});

describe('MongoDatabase without a reachable server', () => {
  const config = {
    uri: 'mongodb://127.0.0.1:9/?directConnection=true',
    dbName: 'unreachable',
    tlsCaFile: undefined,
    serverSelectionTimeoutMS: 150,
  };

  it('starts anyway and answers ping and operations with DatabaseUnavailableError', async () => {
    const warnings: string[] = [];
    const sut = await MongoDatabase.connect(config, {
      ...silent,
      warn: (_o, msg) => void warnings.push(msg),
    });
    try {
      expect(warnings.join()).toMatch(/not reachable/);
      await expect(sut.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(sut.collection('c').findOne({})).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
      await expect(sut.collection('c').find({}).toArray()).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
      await expect(sut.collection('c').insertOne({ a: 1 })).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
    } finally {
      await sut.close();
    }
  });

  it('refuses a malformed URI at start', async () => {
    await expect(MongoDatabase.connect({ ...config, uri: 'not-a-uri' }, silent)).rejects.toThrow();
  });
});

describe('translateError', () => {
  it('turns network failures into DatabaseUnavailableError, keeping the cause', () => {
    const cause = new MongoNetworkError('connection reset');
    const translated = translateError(cause);
    expect(translated).toBeInstanceOf(DatabaseUnavailableError);
    expect((translated as Error).cause).toBe(cause);
  });

  it('turns a failover code into DatabaseUnavailableError', () => {
    expect(
      translateError(new MongoServerError({ message: 'not primary', code: 10107 })),
    ).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('passes a duplicate key error through, recognisable by isDuplicateKeyError', () => {
    const duplicate = new MongoServerError({
      message: 'E11000 duplicate key error collection: d.c index: email_1 dup key: { email: "a" }',
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'a' },
    });
    expect(translateError(duplicate)).toBe(duplicate);
    expect(isDuplicateKeyError(duplicate)).toBe(true);
  });

  it('turns the driver bulk error, single or listed, into the BulkWriteError the embedded engine throws', () => {
    // The driver's WriteError is not exported as a value; this has the members it exposes.
    const raw = {
      index: 1,
      code: 11000,
      errmsg: 'E11000 duplicate key error',
      keyPattern: { _id: 1 },
      keyValue: { _id: 2 },
    };
    const writeError = { ...raw, err: raw } as unknown as WriteError;
    const result = {
      insertedCount: 1,
      matchedCount: 0,
      modifiedCount: 0,
      deletedCount: 0,
      upsertedCount: 0,
      insertedIds: { 0: 1 },
      upsertedIds: {},
    } as unknown as BulkWriteResult;
    for (const writeErrors of [writeError, [writeError]]) {
      const driverError = new MongoBulkWriteError(
        { message: 'E11000', code: 11000, writeErrors: writeErrors as WriteError[] },
        result,
      );
      const translated = translateError(driverError) as BulkWriteError;
      expect(translated).toBeInstanceOf(BulkWriteError);
      expect(translated.writeErrors).toEqual([
        {
          index: 1,
          code: 11000,
          errmsg: 'E11000 duplicate key error',
          keyPattern: { _id: 1 },
          keyValue: { _id: 2 },
        },
      ]);
      expect(translated.result.insertedCount).toBe(1);
      expect(isDuplicateKeyError(translated)).toBe(true);
    }
  });
});

describe('summarizeExplain', () => {
  const stats = { nReturned: 10, totalKeysExamined: 11, totalDocsExamined: 10 };

  it('reads an index scan under FETCH and LIMIT (the classic engine)', () => {
    expect(
      summarizeExplain({
        queryPlanner: {
          winningPlan: {
            stage: 'LIMIT',
            inputStage: {
              stage: 'FETCH',
              inputStage: { stage: 'IXSCAN', indexName: 'status_startsAt', direction: 'forward' },
            },
          },
        },
        executionStats: stats,
      }),
    ).toEqual({
      stage: 'IXSCAN',
      indexName: 'status_startsAt',
      sortedInMemory: false,
      keysExamined: 11,
      docsExamined: 10,
      returned: 10,
    });
  });

  it('tells a sort in memory and a collection scan (the slot-based engine shape)', () => {
    expect(
      summarizeExplain({
        queryPlanner: {
          winningPlan: {
            queryPlan: { stage: 'SORT', inputStage: { stage: 'COLLSCAN' } },
            slotBasedPlan: {},
          },
        },
        executionStats: stats,
      }),
    ).toMatchObject({ stage: 'COLLSCAN', indexName: undefined, sortedInMemory: true });
  });

  it('reads an _id lookup, classic or express', () => {
    const idhack = { queryPlanner: { winningPlan: { stage: 'IDHACK' } }, executionStats: stats };
    const express = {
      queryPlanner: { winningPlan: { stage: 'EXPRESS_IXSCAN', indexName: '_id_' } },
      executionStats: stats,
    };
    for (const explained of [idhack, express]) {
      expect(summarizeExplain(explained)).toMatchObject({ stage: 'IDHACK', indexName: '_id_' });
    }
  });
});
