import type { Env } from './config.schema.js';

/** One Popbill member's connection (Linkhub auth + the Popbill API). */
interface PopbillConfig {
  linkId: string;
  /** Base64, as Linkhub issues it. Secret. */
  secretKey: string;
  corpNum: string;
  serviceId: 'POPBILL_TEST' | 'POPBILL';
  authUrl: string;
  apiUrl: string;
  userId: string | undefined;
  /** `x-lh-forwarded: *` unless the member restricts IPs. */
  forwardIp: '*' | undefined;
  /** 발신번호 (pre-registered). */
  sender: string;
  /** The KakaoTalk channel (검색용 ID) the AlimTalk templates are registered under. */
  kakaoChannel: string | undefined;
}

export interface ProvidersConfig {
  /** Undefined in aws mode without Popbill credentials: bank checks stay manual (503). */
  popbill: PopbillConfig | undefined;
  /** Undefined in aws mode without a serviceKey: the register routes answer 503. */
  nts: { baseUrl: string; serviceKey: string } | undefined;
  /** One 예금주 조회 per account per this many days (each lookup costs points). */
  bankCheckTtlDays: number;
  /**
   * What scans uploaded files for malware: the stub locally (it knows only the EICAR test file;
   * integrations/clamav/stub-scanner.ts says why), a clamd in aws mode (the ClamAV sidecar of the
   * API's task, on the task's loopback). `timeoutMs` is per attempt.
   */
  virusScanner: { kind: 'stub' } | { kind: 'clamd'; host: string; port: number; timeoutMs: number };
}

/**
 * The local stack's provider credentials: the stubs' fixtures (src/integrations/*\/stub
 * fixtures; config sits below the integrations and cannot import them, so a spec checks the two
 * agree). None is a real credential.
 */
export const LOCAL_PROVIDER_DEFAULTS = {
  popbillLinkId: 'WORKMATCH_LOCAL',
  popbillSecretKey: Buffer.from('workmatch-local-popbill-secret-key!').toString('base64'),
  popbillCorpNum: '1234567890',
  popbillSender: '0212345678',
  popbillKakaoChannel: '@workmatch',
  ntsServiceKey: 'wOrKmAtCh+LoCaL/NtS+sErViCe/KeY==',
} as const;

const POPBILL_AUTH = 'https://auth.linkhub.co.kr';
const POPBILL_API = {
  POPBILL_TEST: 'https://popbill-test.linkhub.co.kr',
  POPBILL: 'https://popbill.linkhub.co.kr',
} as const;
const NTS_BASE = 'https://api.odcloud.kr/api/nts-businessman/v1';

export function providersConfig(e: Env, local: boolean): ProvidersConfig {
  const loopback = (port: number) => `http://127.0.0.1:${port}`;
  const d = LOCAL_PROVIDER_DEFAULTS;
  const serviceId = e.POPBILL_SERVICE_ID ?? 'POPBILL_TEST';
  const popbillGiven = e.POPBILL_LINK_ID !== undefined;
  const popbill: PopbillConfig | undefined =
    local || popbillGiven
      ? {
          linkId: e.POPBILL_LINK_ID ?? d.popbillLinkId,
          secretKey: e.POPBILL_SECRET_KEY ?? d.popbillSecretKey,
          corpNum: e.POPBILL_CORP_NUM ?? d.popbillCorpNum,
          serviceId,
          authUrl: e.POPBILL_AUTH_URL ?? (local ? loopback(e.LOCAL_POPBILL_PORT) : POPBILL_AUTH),
          apiUrl:
            e.POPBILL_API_URL ?? (local ? loopback(e.LOCAL_POPBILL_PORT) : POPBILL_API[serviceId]),
          userId: e.POPBILL_USER_ID,
          forwardIp: e.POPBILL_IP_RESTRICTED ? undefined : '*',
          sender: e.POPBILL_SENDER_NUMBER ?? d.popbillSender,
          kakaoChannel: e.POPBILL_KAKAO_CHANNEL ?? (local ? d.popbillKakaoChannel : undefined),
        }
      : undefined;
  const ntsKey = e.NTS_SERVICE_KEY ?? (local ? d.ntsServiceKey : undefined);
  const nts = ntsKey
    ? {
        baseUrl:
          e.NTS_BASE_URL ??
          (local ? `${loopback(e.LOCAL_NTS_PORT)}/api/nts-businessman/v1` : NTS_BASE),
        serviceKey: ntsKey,
      }
    : undefined;
  const virusScanner: ProvidersConfig['virusScanner'] =
    (e.VIRUS_SCANNER ?? (local ? 'stub' : 'clamd')) === 'stub'
      ? { kind: 'stub' }
      : {
          kind: 'clamd',
          host: e.CLAMD_HOST ?? '127.0.0.1',
          port: e.CLAMD_PORT,
          timeoutMs: e.CLAMD_TIMEOUT_MS,
        };
  return { popbill, nts, bankCheckTtlDays: e.BANK_CHECK_TTL_DAYS, virusScanner };
}
