import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import { DanalIdentityClient } from '../danal/danal-identity.client.js';
import { type DanalStub, startDanalStub } from '../danal/danal-stub.js';
import { NiceIdentityClient } from '../nice/nice-identity.client.js';
import { type NiceStub, startNiceStub } from '../nice/nice-stub.js';
import {
  FailoverIdentityVerifier,
  type IdentityProviderEntry,
} from './failover-identity.verifier.js';

const FAST = { timeoutMs: 300, retries: 0, failuresToOpen: 2, halfOpenAfterMs: 60_000 };
const REQUEST = { requestId: 'req-failover-1', returnUrl: 'https://app.example/back' };

let nice: NiceStub;
let danal: DanalStub;
let entries: IdentityProviderEntry[];
let sut: FailoverIdentityVerifier;

beforeEach(async () => {
  nice = await startNiceStub();
  danal = await startDanalStub();
  const niceGateway = new ProviderGateway('nice', FAST);
  const danalGateway = new ProviderGateway('danal', FAST);
  entries = [
    {
      provider: 'nice',
      gateway: niceGateway,
      verifier: new NiceIdentityClient({
        baseUrl: nice.url,
        windowUrl: nice.windowUrl,
        clientId: nice.clientId,
        clientSecret: nice.clientSecret,
        productId: nice.productId,
        gateway: niceGateway,
      }),
    },
    {
      provider: 'danal',
      gateway: danalGateway,
      verifier: new DanalIdentityClient({
        uasUrl: danal.uasUrl,
        windowUrl: danal.windowUrl,
        cpId: danal.cpId,
        cpPwd: danal.cpPwd,
        cpTitle: 'workmatch',
        gateway: danalGateway,
      }),
    },
  ];
  sut = new FailoverIdentityVerifier(entries);
});
afterEach(async () => {
  await nice.close();
  await danal.close();
});

describe(FailoverIdentityVerifier.name, () => {
  it('starts with the first configured provider when the caller names none', async () => {
    await expect(sut.start(REQUEST)).resolves.toMatchObject({ provider: 'nice' });
  });

  it("starts with the caller's preferred provider", async () => {
    await expect(sut.start({ ...REQUEST, provider: 'danal' })).resolves.toMatchObject({
      provider: 'danal',
      form: { action: danal.windowUrl },
    });
  });

  it('starts with the next provider when the preferred one times out, and says which', async () => {
    nice.setFaults({ hang: true });
    await expect(sut.start({ ...REQUEST, provider: 'nice' })).resolves.toMatchObject({
      provider: 'danal',
    });
  });

  it("starts with the next provider at once while the preferred one's circuit is open", async () => {
    nice.setFaults({ down: true });
    await sut.start(REQUEST);
    await sut.start(REQUEST);
    expect(entries[0]!.gateway.circuit).toBe('open');
    nice.setFaults({});
    const before = entries[0]!.gateway.health().errors;
    await expect(sut.start(REQUEST)).resolves.toMatchObject({ provider: 'danal' });
    expect(entries[0]!.gateway.health()).toMatchObject({ errors: before + 1 });
    expect(nice.tokensIssued).toBe(0);
  });

  it('does not fail over a refusal: a configuration fault must show', async () => {
    nice.setFaults({ gatewayError: '1500' });
    await expect(sut.start(REQUEST)).rejects.toMatchObject({
      code: 'provider_error',
      providerCode: '1500',
    });
  });

  it('answers the last failure when every provider is failing', async () => {
    nice.setFaults({ down: true });
    danal.setFaults({ hang: true });
    await expect(sut.start(REQUEST)).rejects.toMatchObject({ code: 'provider_timeout' });
  });

  it("confirms with the session's provider", async () => {
    const session = await sut.start({ ...REQUEST, provider: 'danal' });
    await expect(
      sut.confirm({
        provider: 'danal',
        transactionId: session.transactionId,
        fields: { TID: session.transactionId },
        secret: session.secret,
      }),
    ).rejects.toMatchObject({ provider: 'danal', providerCode: '0304' });
  });
});
