import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR_TEST_FILE } from '../../src/integrations/clamav/stub-scanner.js';
import { freePort } from '../../src/local/ports.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { CLAMD_BIN, startClamd, TEST_SIGNATURE, type RunningClamd } from '../support/clamd.js';
import { startS3StandIn } from '../support/s3-stand-in.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { startUpload, uploadBytes } from '../support/uploads.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const worker = mint.access('worker-scan', ['worker']);

const pdf = (body: string) => Buffer.from(`%PDF-1.4\n${body}\n%%EOF\n`, 'latin1');

/**
 * Uploads scanned by a real clamd, as in AWS (where it is the API task's ClamAV sidecar): the
 * API configured with VIRUS_SCANNER=clamd, clamd from Debian's clamav-daemon with one test
 * signature (test/support/clamd.ts).
 */
describe.skipIf(!CLAMD_BIN)('files: uploads scanned by clamd', () => {
  let clamd: RunningClamd | undefined;
  let clamdPort: number;
  let stopS3: (() => Promise<void>) | undefined;
  let api: TestApi;

  beforeAll(async () => {
    clamd = await startClamd();
    clamdPort = clamd.port;
    api = await startTestApi({
      env: {
        APP_MODE: 'local',
        LOCAL_S3_PORT: String(await freePort()),
        COGNITO_USER_POOL_ID: AWS_LIKE_ENV.COGNITO_USER_POOL_ID,
        COGNITO_CLIENT_ID: AWS_LIKE_ENV.COGNITO_CLIENT_ID,
        VIRUS_SCANNER: 'clamd',
        CLAMD_PORT: String(clamdPort),
        CLAMD_TIMEOUT_MS: '2000',
      },
    });
    ({ stop: stopS3 } = await startS3StandIn(api.config, api.dataDir));
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await stopS3?.();
    await clamd?.stop();
  });

  const complete = (id: string) => callApi(api, 'POST', `/files/${id}/complete`, worker);

  async function uploaded(bytes: Buffer) {
    const started = await startUpload(
      api,
      worker,
      'qualification_certificate',
      'application/pdf',
      bytes.length,
    );
    await uploadBytes(started, bytes, 'application/pdf');
    return started.file.id;
  }

  it('makes a clean file ready, recording that ClamAV, a real scanner, passed it', async () => {
    const response = await complete(await uploaded(pdf('a clean certificate')));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ready',
      scannedBy: { name: 'clamav', real: true },
    });
  });

  it('refuses a file clamd flags, naming the signature it found', async () => {
    const response = await complete(await uploaded(pdf(EICAR_TEST_FILE)));
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe('file_infected');
    expect(problem.detail).toContain(TEST_SIGNATURE);
  });

  it('answers 503 while clamd is down, keeping the file pending, and completes it once clamd is back', async () => {
    const id = await uploaded(pdf('uploaded while the scanner restarts'));
    await clamd!.stop();
    clamd = undefined;

    const down = await complete(id);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).not.toBeNull();
    expect(await down.json()).toMatchObject({
      code: 'provider_unavailable',
      provider: 'clamav',
    });
    const pending = await callApi(api, 'GET', `/files/${id}`, worker);
    expect(await pending.json()).toMatchObject({ file: { status: 'pending' } });

    clamd = await startClamd({ port: clamdPort });
    const again = await complete(id);
    expect(again.status, await again.clone().text()).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'ready' });
  }, 60_000);
});
