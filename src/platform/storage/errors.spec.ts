import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { DuplicateKeyError, isDuplicateKeyError } from './errors.js';

describe('DuplicateKeyError', () => {
  it("renders the server's message, values in shell syntax", () => {
    const id = ObjectId.createFromHexString('65a1b2c3d4e5f60718293a4b');
    const sut = new DuplicateKeyError({
      dbName: 'workmatch',
      collectionName: 'members',
      indexName: 'email_1_owner_1',
      keyPattern: { email: 1, owner: 1 },
      keyValue: { email: 'a@x.kr', owner: id, n: 3, at: new Date(5), none: null },
    });
    expect(sut.message).toBe(
      'E11000 duplicate key error collection: workmatch.members index: email_1_owner_1 dup key: ' +
        `{ email: "a@x.kr", owner: ObjectId('65a1b2c3d4e5f60718293a4b'), n: 3, at: new Date(5), none: null }`,
    );
    expect(sut).toMatchObject({
      code: 11000,
      codeName: 'DuplicateKey',
      keyPattern: { email: 1, owner: 1 },
    });
    expect(isDuplicateKeyError(sut)).toBe(true);
  });

  it('is not confused with other errors', () => {
    expect(isDuplicateKeyError(new Error('E11000'))).toBe(false);
    expect(isDuplicateKeyError({ code: 11000 })).toBe(false);
    expect(isDuplicateKeyError(Object.assign(new Error('x'), { code: 11001 }))).toBe(true);
  });
});
