import { z } from 'zod';
import type {
  BankAccountCheck,
  BankAccountQuery,
  BankAccountVerifier,
} from '../../modules/workers/ports/bank-account-verifier.port.js';
import { ProviderBadResponseError } from '../../platform/providers/provider-errors.js';
import { parseOffsetInstant } from '../../platform/time/kst.js';
import { type PopbillApi, parseWith } from './popbill-http.js';

/** AccountCheck scopes (research §3.2): 182 예금주 성명, 183 실명. */
const ACCOUNT_CHECK_SCOPES = ['member', '182'] as const;

/**
 * The `result` that means the bank found the account and named its holder. **[U]**: believed
 * `0000`; the failure-code table was not read. Configurable (`foundResults`).
 */
const DEFAULT_FOUND_RESULTS = ['0000'] as const;

const accountCheckInfo = z.object({
  accountName: z.string().nullish(),
  result: z.string().nullish(),
  resultCode: z.string().nullish(),
  resultMessage: z.string().nullish(),
  checkDate: z.string().nullish(),
  checkDT: z.string().nullish(),
});

/** `0004` from `004`: Popbill spells the 금융기관 코드 with 4 digits. */
export function popbillBankCode(bankCode: string): string {
  if (!/^\d{3,4}$/.test(bankCode)) throw new RangeError('bank code must be 3 or 4 digits');
  return bankCode.padStart(4, '0');
}

/**
 * `checkDate`: a millisecond timestamp in current docs, `yyyyMMddHHmmss` (KST) in older ones
 * (research §3.5, [P]); both are read.
 */
function checkedAt(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  if (/^\d{14}$/.test(text)) {
    const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}+09:00`;
    return parseOffsetInstant(iso);
  }
  if (/^\d{10,13}$/.test(text)) return new Date(Number(text));
  return undefined;
}

/**
 * 예금주 조회 (AccountCheckService 성명조회, `POST /EasyFin/AccountCheck?c=&n=`, research §3.5).
 * A mismatch or an unknown account is HTTP 200 with another `result`: an answer, not an error.
 */
export class PopbillAccountCheckClient implements BankAccountVerifier {
  readonly method = 'popbill';

  constructor(
    private readonly api: PopbillApi,
    private readonly foundResults: readonly string[] = DEFAULT_FOUND_RESULTS,
  ) {}

  async check(query: BankAccountQuery): Promise<BankAccountCheck> {
    if (!/^\d{1,20}$/.test(query.accountNumber)) {
      throw new RangeError('account number must be digits');
    }
    const search = new URLSearchParams({
      c: popbillBankCode(query.bankCode),
      n: query.accountNumber,
    });
    return this.api.request({
      operation: 'account.check',
      method: 'POST',
      path: `/EasyFin/AccountCheck?${search}`,
      // Each lookup is charged, but a repeat only costs points, never changes anything, and the
      // gateway retries only calls that did not reach Popbill or timed out.
      idempotent: true,
      scopes: ACCOUNT_CHECK_SCOPES,
      parse: (json) => {
        const info = parseWith(accountCheckInfo, 'account check')(json);
        const result = info.result ?? info.resultCode;
        const at = checkedAt(info.checkDate) ?? checkedAt(info.checkDT);
        if (!result || !at) throw new ProviderBadResponseError('popbill', 'account check result');
        const found = this.foundResults.includes(result) && !!info.accountName;
        return {
          found,
          holderName: found ? (info.accountName ?? undefined) : undefined,
          result,
          resultMessage: info.resultMessage ?? '',
          checkedAt: at,
        };
      },
    });
  }
}
