/**
 * The Popbill stub's fixture people and credentials: the same values the local stack's
 * configuration defaults to, so `npm start` talks to the stub with no setup. None of it is real.
 */

/** Linkhub credentials the stub accepts (a LinkID and its base64 secret). */
export const STUB_LINK_ID = 'WORKMATCH_LOCAL';
export const STUB_SECRET_KEY = Buffer.from('workmatch-local-popbill-secret-key!').toString(
  'base64',
);
export const STUB_SERVICE_ID = 'POPBILL_TEST';
/** The Popbill member (our 사업자번호 at Popbill). */
export const STUB_CORP_NUM = '1234567890';
/** 발신번호 registered with the stub (발신번호 사전등록제). */
export const STUB_SENDER_NUMBERS: readonly string[] = ['0212345678'];
export const STUB_KAKAO_CHANNEL = '@workmatch';

/** Bank accounts the stub's banks know: `bankCode(4):accountNumber` → holder as the bank has it. */
export const STUB_ACCOUNTS: Readonly<Record<string, string>> = {
  '0004:12345678901234': '홍길동',
  '0088:110123456789': '김민지',
  '0011:3020000000001': '이서준',
  '0020:1002123456789': '박지우',
  // A bank that shortens long names, as some do (research §3.5: length varies by bank).
  '0081:12391000000001': '남궁민수',
};

/** Numbers without KakaoTalk: an AlimTalk to them falls back to SMS/LMS. */
export const STUB_NUMBERS_WITHOUT_KAKAOTALK: readonly string[] = ['01099990000'];

/**
 * The stub's answer codes. **[U]**: Popbill's tables for these were not read (research §3.3
 * gives only the token codes `-10000032..34` and the `-990xxxxx` point range); the clients
 * treat any `{code, message}` as a refusal and only the token codes specially.
 */
export const STUB_CODES = {
  tokenGenerationFailed: -10000032,
  tokenInvalid: -10000033,
  tokenMissing: -10000034,
  scopeDenied: -10000010,
  linkhubBadSignature: -11000010,
  linkhubClockSkew: -11000011,
  linkhubUnknownLinkId: -11000012,
  linkhubUnknownMember: -11000013,
  badRequest: -14000001,
  senderNotRegistered: -14000012,
  badReceiver: -14000021,
  duplicateRequestNum: -14000030,
  notFound: -14000040,
  templateNotFound: -15000003,
  templateMismatch: -15000004,
  badBankAccount: -13000001,
  outOfPoints: -99003001,
} as const;

/** AccountCheck `result` values the stub answers. **[U]**: success believed `0000`. */
export const STUB_ACCOUNT_RESULTS = {
  found: { result: '0000', resultMessage: '정상' },
  noSuchAccount: { result: '0001', resultMessage: '해당 계좌가 존재하지 않습니다.' },
} as const;

/** Points each service costs (the stub's member starts with `points`). */
export const STUB_UNIT_COSTS = { SMS: 8, LMS: 25, ATS: 7, ACCOUNT_CHECK: 10 } as const;
