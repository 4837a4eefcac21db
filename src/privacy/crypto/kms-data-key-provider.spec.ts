import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsStub } from '../../../test/support/kms-stub.js';
import { loadConfig } from '../../config/config.js';
import {
  createKmsClient,
  KMS_ENCRYPTION_CONTEXT,
  KmsDataKeyProvider,
} from './kms-data-key-provider.js';

describe(KmsDataKeyProvider.name, () => {
  let stub: KmsStub;
  let keyId: string;
  let client: KMSClient;

  const clientFor = (id: string) =>
    createKmsClient(
      loadConfig({
        APP_MODE: 'local',
        AWS_REGION: stub.region,
        KMS_KEY_ID: id,
        KMS_ENDPOINT: stub.endpoint,
      }),
      { maxAttempts: 1 },
    );

  beforeAll(async () => {
    stub = await KmsStub.start();
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => {
    keyId = stub.createKey('workmatch-field');
    client = clientFor(keyId);
  });
  afterEach(() => {
    client.destroy();
  });

  it('round-trips a 256-bit data key through GenerateDataKey and Decrypt with the real SDK', async () => {
    const sut = new KmsDataKeyProvider(client, keyId);
    const before = { ...stub.calls };
    const { plaintext, wrapped } = await sut.generateDataKey();
    expect(plaintext.length).toBe(32);
    expect(wrapped.includes(plaintext)).toBe(false);
    expect((await sut.decrypt(wrapped)).equals(plaintext)).toBe(true);
    expect(stub.calls.GenerateDataKey).toBe(before.GenerateDataKey + 1);
    expect(stub.calls.Decrypt).toBe(before.Decrypt + 1);
  });

  it('names itself after the KMS key, so a ring written under one key is not opened by another', () => {
    expect(new KmsDataKeyProvider(client, keyId).name).toBe(`kms:${keyId}`);
    expect(new KmsDataKeyProvider(client, 'alias/workmatch-field').name).not.toBe(
      new KmsDataKeyProvider(client, keyId).name,
    );
  });

  it('accepts the key by alias as KMS does', async () => {
    const sut = new KmsDataKeyProvider(client, 'alias/workmatch-field');
    const { plaintext, wrapped } = await sut.generateDataKey();
    expect((await sut.decrypt(wrapped)).equals(plaintext)).toBe(true);
  });

  it('refuses a wrapped key from another KMS key (IncorrectKeyException)', async () => {
    const otherId = stub.createKey();
    const other = new KmsDataKeyProvider(clientFor(otherId), otherId);
    const { wrapped } = await other.generateDataKey();
    await expect(new KmsDataKeyProvider(client, keyId).decrypt(wrapped)).rejects.toMatchObject({
      name: 'IncorrectKeyException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses to unwrap without the encryption context or under another one (InvalidCiphertextException)', async () => {
    const { wrapped } = await new KmsDataKeyProvider(client, keyId).generateDataKey();
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: keyId })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    const elsewhere = new KmsDataKeyProvider(client, keyId, { purpose: 'something else' });
    await expect(elsewhere.decrypt(wrapped)).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
    const out = await client.send(
      new DecryptCommand({
        CiphertextBlob: wrapped,
        EncryptionContext: { ...KMS_ENCRYPTION_CONTEXT },
      }),
    );
    expect(out.Plaintext?.length).toBe(32); // the context alone suffices; the key is in the blob
  });

  it('refuses a tampered wrapped key', async () => {
    const sut = new KmsDataKeyProvider(client, keyId);
    const { wrapped } = await sut.generateDataKey();
    wrapped[wrapped.length - 1] = (wrapped[wrapped.length - 1] ?? 0) ^ 1;
    await expect(sut.decrypt(wrapped)).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });

  it('surfaces a disabled key (DisabledException) and an unknown one (NotFoundException)', async () => {
    const sut = new KmsDataKeyProvider(client, keyId);
    const { wrapped } = await sut.generateDataKey();
    stub.setEnabled(keyId, false);
    await expect(sut.decrypt(wrapped)).rejects.toMatchObject({ name: 'DisabledException' });
    await expect(sut.generateDataKey()).rejects.toMatchObject({ name: 'DisabledException' });
    stub.setEnabled(keyId, true);
    expect((await sut.decrypt(wrapped)).length).toBe(32);
    const missing = new KmsDataKeyProvider(client, '0b5a2e7c-0000-4000-8000-000000000000');
    await expect(missing.generateDataKey()).rejects.toMatchObject({
      name: 'NotFoundException',
      message: expect.stringContaining('does not exist') as unknown,
    });
  });

  it('fails fast with the endpoint unreachable', async () => {
    await stub.stop();
    try {
      await expect(new KmsDataKeyProvider(client, keyId).generateDataKey()).rejects.toThrow();
    } finally {
      await stub.start();
    }
  });
});

describe('KMS stub protocol', () => {
  let stub: KmsStub;

  beforeAll(async () => {
    stub = await KmsStub.start();
  });
  afterAll(async () => {
    await stub.close();
  });

  it('answers an unsigned request with MissingAuthenticationTokenException in AWS JSON 1.1', async () => {
    const response = await fetch(stub.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'TrentService.GenerateDataKey',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });
});
