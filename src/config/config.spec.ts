import { describe, expect, it } from 'vitest';
import { ConfigError, LOCAL_DEFAULTS, loadConfig } from './config.js';

const awsEnv = {
  APP_MODE: 'aws',
  MONGODB_URI: 'mongodb://user:s3cret@docdb.example:27017/?tls=true',
  COGNITO_USER_POOL_ID: 'ap-northeast-2_AbCdEf123',
  COGNITO_CLIENT_ID: 'client123',
  S3_BUCKET: 'workmatch-files',
  SQS_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/events',
  KMS_KEY_ID: 'alias/workmatch-fields',
};

function issuesOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs locally with no variables at all, on the embedded engine and loopback stand-ins', () => {
    const sut = loadConfig({});
    expect(sut.mode).toBe('local');
    expect(sut.http.host).toBe('127.0.0.1');
    expect(sut.database.kind).toBe('embedded');
    expect(sut.aws.cognito).toMatchObject({
      userPoolId: LOCAL_DEFAULTS.userPoolId,
      endpoint: 'http://127.0.0.1:9229',
    });
    expect(sut.aws.s3.endpoint).toBe('http://127.0.0.1:4568');
    expect(sut.aws.sqs.eventsQueueUrl).toBe('http://127.0.0.1:9324/000000000000/workmatch-events');
  });

  it('uses the driver when MONGODB_URI is set', () => {
    const sut = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017',
      MONGODB_TLS_CA_FILE: '/ca.pem',
    });
    expect(sut.database).toEqual({
      kind: 'mongodb',
      uri: 'mongodb://127.0.0.1:27017',
      dbName: 'workmatch',
      tlsCaFile: '/ca.pem',
    });
  });

  it('takes the database credentials from MONGODB_USERNAME and MONGODB_PASSWORD, both or neither', () => {
    const sut = loadConfig({
      MONGODB_URI: 'mongodb://docdb.example:27018/?replicaSet=rs0',
      MONGODB_USERNAME: 'workmatch',
      MONGODB_PASSWORD: 'from-the-secret',
    });
    expect(sut.database).toMatchObject({
      kind: 'mongodb',
      uri: 'mongodb://docdb.example:27018/?replicaSet=rs0',
      auth: { username: 'workmatch', password: 'from-the-secret' },
    });
    const issues = issuesOf({ MONGODB_URI: 'mongodb://h', MONGODB_USERNAME: 'workmatch' });
    expect(issues).toEqual([
      expect.stringMatching(
        /^MONGODB_PASSWORD is not set: MONGODB_USERNAME and MONGODB_PASSWORD come together/,
      ),
    ]);
  });

  it('reads the live migration source’s service account key from MIGRATION_FIRESTORE_CREDENTIALS, refusing one without its fields', () => {
    const key = {
      type: 'service_account',
      client_email: 'reader@legacy.iam.gserviceaccount.com',
      private_key: 'KEY',
    };
    const sut = loadConfig({
      MIGRATION_SOURCE: 'live',
      MIGRATION_FIRESTORE_PROJECT_ID: 'legacy',
      MIGRATION_FIRESTORE_CREDENTIALS: JSON.stringify(key),
    });
    expect(sut.migration.source).toMatchObject({
      kind: 'live',
      projectId: 'legacy',
      credentials: { client_email: 'reader@legacy.iam.gserviceaccount.com', private_key: 'KEY' },
    });
    const issues = issuesOf({ MIGRATION_FIRESTORE_CREDENTIALS: '{"private_key":"hunter2"}' });
    expect(issues).toEqual([
      expect.stringMatching(
        /^MIGRATION_FIRESTORE_CREDENTIALS is malformed: .*client_email and private_key/,
      ),
    ]);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('names a malformed variable and what it expects, without echoing its value', () => {
    const issues = issuesOf({ PORT: 'eighty', MONGODB_URI: 'postgres://secret@host' });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT is malformed: /),
        expect.stringMatching(/^MONGODB_URI is malformed: expected a mongodb:\/\//),
      ]),
    );
    expect(issues.join('\n')).not.toContain('secret');
  });

  it('in aws mode names every missing variable', () => {
    const issues = issuesOf({ APP_MODE: 'aws' });
    for (const name of [
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'S3_BUCKET',
      'SQS_EVENTS_QUEUE_URL',
      'KMS_KEY_ID',
      'MONGODB_URI',
    ]) {
      expect(issues).toContainEqual(
        expect.stringMatching(new RegExp(`^${name} is not set: required in aws mode`)),
      );
    }
  });

  it('in aws mode listens on every interface and has no loopback endpoints', () => {
    const sut = loadConfig(awsEnv);
    expect(sut.http.host).toBe('0.0.0.0');
    expect(sut.aws.region).toBe('ap-northeast-2');
    expect(sut.aws.s3.endpoint).toBeUndefined();
    expect(sut.aws.cognito.endpoint).toBeUndefined();
    expect(sut.log.dir).toBeUndefined();
  });

  it('keeps the console session 12 hours by default, its cookie Secure in aws mode only', () => {
    expect(loadConfig({}).http.consoleSession).toEqual({
      maxAgeSeconds: 43_200,
      secureCookie: false,
    });
    expect(loadConfig({ ...awsEnv, CONSOLE_SESSION_HOURS: '8' }).http.consoleSession).toEqual({
      maxAgeSeconds: 28_800,
      secureCookie: true,
    });
    expect(issuesOf({ CONSOLE_SESSION_HOURS: '48' })).toContainEqual(
      expect.stringMatching(/^CONSOLE_SESSION_HOURS is malformed/),
    );
  });

  it('in aws mode may run on the embedded engine when EMBEDDED_DB_DIR is given', () => {
    const { MONGODB_URI: _unused, ...env } = awsEnv;
    const sut = loadConfig({ ...env, EMBEDDED_DB_DIR: '/tmp/wm-db' });
    expect(sut.database).toMatchObject({ kind: 'embedded', dir: '/tmp/wm-db' });
  });

  it('names the embedded SQLite file after the database, durable through a process crash by default', () => {
    const sut = loadConfig({ DATA_DIR: '/tmp/wm-data', MONGODB_DB_NAME: 'demo' });
    expect(sut.database).toEqual({
      kind: 'embedded',
      dir: '/tmp/wm-data/db',
      file: '/tmp/wm-data/db/demo.sqlite',
      dbName: 'demo',
      synchronous: 'normal',
      busyTimeoutMs: 5_000,
    });
  });

  it('takes synchronous=full and a busy timeout for the embedded engine, and refuses other modes', () => {
    const sut = loadConfig({ EMBEDDED_DB_SYNCHRONOUS: 'full', EMBEDDED_DB_BUSY_TIMEOUT_MS: '250' });
    expect(sut.database).toMatchObject({ synchronous: 'full', busyTimeoutMs: 250 });
    expect(issuesOf({ EMBEDDED_DB_SYNCHRONOUS: 'off' })).toContainEqual(
      expect.stringMatching(/^EMBEDDED_DB_SYNCHRONOUS is malformed/),
    );
  });

  it('takes the bench-only database delay locally, never in aws mode', () => {
    expect(loadConfig({}).database.benchDelayMs).toBeUndefined();
    expect(loadConfig({ BENCH_DB_DELAY_MS: '1' }).database).toMatchObject({ benchDelayMs: 1 });
    expect(issuesOf({ ...awsEnv, BENCH_DB_DELAY_MS: '1' })).toContainEqual(
      expect.stringMatching(/^BENCH_DB_DELAY_MS .*bench-only: refused in aws mode/),
    );
  });

  it('has the worker run every named job by default, none, or the ones WORKER_JOBS names', () => {
    expect(loadConfig({}).scheduler.jobs).toBe('all');
    expect(loadConfig({ WORKER_JOBS: 'none' }).scheduler.jobs).toEqual([]);
    expect(loadConfig({ WORKER_JOBS: ' holds-repair, stats-monthly ' }).scheduler.jobs).toEqual([
      'holds-repair',
      'stats-monthly',
    ]);
    for (const bad of ['holds-repair,', 'Holds Repair', 'all,holds-repair']) {
      expect(issuesOf({ WORKER_JOBS: bad }), bad).toContainEqual(
        expect.stringMatching(/^WORKER_JOBS is malformed: expected 'all', 'none' or job names/),
      );
    }
  });

  it('rejects an unknown mode', () => {
    expect(issuesOf({ APP_MODE: 'gcp' })).toContainEqual(
      expect.stringMatching(/^APP_MODE is malformed/),
    );
  });
});

describe('personal data protection settings', () => {
  it('defaults to AES-256-GCM with the keys in a file under the data directory', () => {
    const sut = loadConfig({ DATA_DIR: '/tmp/wm-data' });
    expect(sut.privacy).toEqual({
      fieldCipher: 'aes-256-gcm',
      keys: { kind: 'file', dir: '/tmp/wm-data/keys' },
      dataKeyTtlMs: 3_600_000,
      accessRecordRetentionDays: 730,
      withdrawnMemberRetentionDays: 30,
      workRecordRetentionDays: 1_095,
    });
  });

  it('in aws mode wraps the data keys with the KMS key', () => {
    const sut = loadConfig({ ...awsEnv, KMS_ENDPOINT: 'http://127.0.0.1:4599' });
    expect(sut.privacy.keys).toEqual({
      kind: 'kms',
      keyId: 'alias/workmatch-fields',
      endpoint: 'http://127.0.0.1:4599',
    });
  });

  it('in aws mode may keep the keys in a local file when FIELD_KEYS_DIR is given', () => {
    const { KMS_KEY_ID: _unused, ...withoutKms } = awsEnv;
    const sut = loadConfig({ ...withoutKms, FIELD_KEYS_DIR: '/run/keys' });
    expect(sut.privacy.keys).toEqual({ kind: 'file', dir: '/run/keys' });
  });

  it('refuses a malformed KMS key id and an access record retention under two years', () => {
    const issues = issuesOf({ KMS_KEY_ID: 'my key', ACCESS_RECORD_RETENTION_DAYS: '365' });
    expect(issues).toContainEqual(expect.stringMatching(/^KMS_KEY_ID is malformed/));
    expect(issues).toContainEqual(expect.stringMatching(/^ACCESS_RECORD_RETENTION_DAYS .*730/));
  });

  it('selects ARIA-256-GCM and refuses anything else', () => {
    expect(loadConfig({ FIELD_CIPHER: 'aria-256-gcm' }).privacy.fieldCipher).toBe('aria-256-gcm');
    expect(issuesOf({ FIELD_CIPHER: 'seed-cbc' }).join('\n')).toContain('FIELD_CIPHER');
  });
});

describe('loadConfig: identity providers', () => {
  it('points at the local stubs by default, NICE first', () => {
    const sut = loadConfig({}).identity;
    expect(sut.providers).toEqual(['nice', 'danal']);
    expect(sut.nice).toMatchObject({
      apiUrl: 'http://127.0.0.1:9350',
      windowUrl: 'http://127.0.0.1:9350/CheckPlusSafeModel/service.cb',
    });
    expect(sut.danal.uasUrl).toBe('http://127.0.0.1:9351/uas/');
  });

  it('reads the preference order and refuses an unknown or repeated provider, naming the variable', () => {
    expect(loadConfig({ IDENTITY_PROVIDERS: 'danal, nice' }).identity.providers).toEqual([
      'danal',
      'nice',
    ]);
    expect(issuesOf({ IDENTITY_PROVIDERS: 'nice,pass' })).toEqual([
      expect.stringMatching(/^IDENTITY_PROVIDERS is malformed: /),
    ]);
    expect(issuesOf({ IDENTITY_PROVIDERS: 'nice,nice' })[0]).toMatch(/^IDENTITY_PROVIDERS/);
  });

  it("in aws mode needs each named provider's credentials, and uses the providers' hosts", () => {
    const issues = issuesOf({ ...awsEnv, IDENTITY_PROVIDERS: 'nice,danal', NICE_CLIENT_ID: 'id' });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^NICE_CLIENT_SECRET is not set: required in aws mode/),
        expect.stringMatching(/^NICE_PRODUCT_ID is not set/),
        expect.stringMatching(/^DANAL_CPID is not set/),
        expect.stringMatching(/^DANAL_CPPWD is not set/),
      ]),
    );
    expect(issues.join('\n')).not.toContain('NICE_CLIENT_ID');
    const sut = loadConfig({
      ...awsEnv,
      IDENTITY_PROVIDERS: 'danal',
      DANAL_CPID: 'B01',
      DANAL_CPPWD: 'pw',
    });
    expect(sut.identity.providers).toEqual(['danal']);
    expect(sut.identity.danal.uasUrl).toBe('https://uas.teledit.com/uas/');
    expect(loadConfig(awsEnv).identity.providers).toEqual([]);
    expect(
      issuesOf({
        ...awsEnv,
        IDENTITY_CALLBACK_URL: 'https://api.example/identity-verifications/callback',
      }),
    ).toEqual([expect.stringMatching(/^IDENTITY_RETURN_ORIGINS is not set: required in aws mode/)]);
    expect(issuesOf({ IDENTITY_RETURN_ORIGINS: 'https://app.example/path' })[0]).toMatch(
      /^IDENTITY_RETURN_ORIGINS is malformed/,
    );
  });
});

describe('.env.example', () => {
  it('documents every variable the schema reads', async () => {
    const { readFile } = await import('node:fs/promises');
    const { envSchema } = await import('./config.schema.js');
    const example = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const read = Object.keys(envSchema.shape);
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('provider settings', () => {
  it('locally points Popbill and the NTS at the stubs and sends messages through Popbill', () => {
    const sut = loadConfig({});
    expect(sut.notifications.sender).toBe('popbill');
    expect(sut.providers.popbill).toMatchObject({
      authUrl: 'http://127.0.0.1:9340',
      apiUrl: 'http://127.0.0.1:9340',
      serviceId: 'POPBILL_TEST',
      forwardIp: '*',
    });
    expect(sut.providers.nts?.baseUrl).toBe('http://127.0.0.1:9341/api/nts-businessman/v1');
    expect(sut.providers.bankCheckTtlDays).toBe(30);
  });

  it('uses the stubs’ own fixture credentials by default', async () => {
    const popbill = await import('../integrations/popbill/stub/popbill-stub-fixtures.js');
    const nts = await import('../integrations/nts/nts-stub-fixtures.js');
    const { LOCAL_PROVIDER_DEFAULTS: d } = await import('./providers-config.js');
    expect(d).toEqual({
      popbillLinkId: popbill.STUB_LINK_ID,
      popbillSecretKey: popbill.STUB_SECRET_KEY,
      popbillCorpNum: popbill.STUB_CORP_NUM,
      popbillSender: popbill.STUB_SENDER_NUMBERS[0],
      popbillKakaoChannel: popbill.STUB_KAKAO_CHANNEL,
      ntsServiceKey: nts.STUB_SERVICE_KEY,
    });
  });

  it('in aws mode without Popbill leaves it unconfigured and records messages', () => {
    const sut = loadConfig(awsEnv);
    expect(sut.providers.popbill).toBeUndefined();
    expect(sut.providers.nts).toBeUndefined();
    expect(sut.notifications.sender).toBe('recording');
  });

  it('in aws mode with Popbill uses the real hosts of the service chosen and sends through it', () => {
    const sut = loadConfig({
      ...awsEnv,
      POPBILL_LINK_ID: 'LINK',
      POPBILL_SECRET_KEY: Buffer.from('secret').toString('base64'),
      POPBILL_CORP_NUM: '1248100998',
      POPBILL_SERVICE_ID: 'POPBILL',
      POPBILL_SENDER_NUMBER: '0212345678',
      NTS_SERVICE_KEY: 'k+e/y=',
    });
    expect(sut.notifications.sender).toBe('popbill');
    expect(sut.providers.popbill).toMatchObject({
      authUrl: 'https://auth.linkhub.co.kr',
      apiUrl: 'https://popbill.linkhub.co.kr',
    });
    expect(sut.providers.nts).toEqual({
      baseUrl: 'https://api.odcloud.kr/api/nts-businessman/v1',
      serviceKey: 'k+e/y=',
    });
  });

  it('in aws mode names every Popbill variable missing once one is given, or MESSAGE_SENDER=popbill', () => {
    for (const env of [{ POPBILL_LINK_ID: 'LINK' }, { MESSAGE_SENDER: 'popbill' }]) {
      const issues = issuesOf({ ...awsEnv, ...env });
      for (const name of ['POPBILL_SECRET_KEY', 'POPBILL_CORP_NUM', 'POPBILL_SERVICE_ID']) {
        expect(issues).toContainEqual(
          expect.stringMatching(new RegExp(`^${name} is not set: required in aws mode`)),
        );
      }
    }
  });

  it('refuses a secret that is not base64 and a corp number that is not ten digits, unechoed', () => {
    const issues = issuesOf({ POPBILL_SECRET_KEY: 'not base64!', POPBILL_CORP_NUM: '123' });
    expect(issues).toContainEqual(expect.stringMatching(/^POPBILL_SECRET_KEY is malformed/));
    expect(issues).toContainEqual(expect.stringMatching(/^POPBILL_CORP_NUM is malformed/));
    expect(issues.join(' ')).not.toContain('not base64!');
  });
});

describe('the virus scanner', () => {
  it('locally is the stub, unless VIRUS_SCANNER=clamd points at a clamd', () => {
    expect(loadConfig({}).providers.virusScanner).toEqual({ kind: 'stub' });
    expect(
      loadConfig({ VIRUS_SCANNER: 'clamd', CLAMD_PORT: '3311' }).providers.virusScanner,
    ).toEqual({ kind: 'clamd', host: '127.0.0.1', port: 3311, timeoutMs: 10_000 });
  });

  it('in aws mode is the ClamAV sidecar on the task’s loopback by default', () => {
    expect(loadConfig(awsEnv).providers.virusScanner).toEqual({
      kind: 'clamd',
      host: '127.0.0.1',
      port: 3310,
      timeoutMs: 10_000,
    });
  });

  it('in aws mode refuses the stub: a file it passes was never scanned', () => {
    expect(issuesOf({ ...awsEnv, VIRUS_SCANNER: 'stub' })).toContainEqual(
      expect.stringMatching(/^VIRUS_SCANNER .*refused in aws mode/),
    );
  });

  it('refuses an unknown scanner and a timeout the API Gateway would cut short', () => {
    expect(issuesOf({ VIRUS_SCANNER: 'mcafee' })).toContainEqual(
      expect.stringMatching(/^VIRUS_SCANNER is malformed/),
    );
    expect(issuesOf({ CLAMD_TIMEOUT_MS: '60000' })).toContainEqual(
      expect.stringMatching(/^CLAMD_TIMEOUT_MS is malformed/),
    );
  });
});
