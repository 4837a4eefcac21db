import { z } from 'zod';
import type {
  BusinessAuthenticityQuery,
  BusinessRegistry,
  BusinessStatus,
} from '../../modules/businesses/business-registry.port.js';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { type ProviderGateway, providerFetch } from '../../platform/providers/provider-gateway.js';

/** The API takes at most 100 numbers per call (`TOO_LARGE_REQUEST` beyond; research §4.2). */
const NTS_BATCH_SIZE = 100;

export interface NtsSettings {
  /** `https://api.odcloud.kr/api/nts-businessman/v1`, or the stub's. */
  baseUrl: string;
  /**
   * The data.go.kr serviceKey as the portal's "Decoding" key (`+`, `/`, `=` as they are): the
   * client encodes it exactly once. The "Encoding" key put through a URL builder arrives
   * double-encoded and is refused, the API's most reported problem (research §4.1).
   */
  serviceKey: string;
}

const statusItem = z.object({
  b_no: z.string(),
  b_stt: z.string().optional(),
  b_stt_cd: z.string().optional(),
  tax_type: z.string().optional(),
  end_dt: z.string().optional(),
});
type StatusItem = z.infer<typeof statusItem>;

const statusAnswer = z.object({ status_code: z.literal('OK'), data: z.array(statusItem) });
const validateAnswer = z.object({
  status_code: z.literal('OK'),
  data: z.array(
    z.object({
      b_no: z.string(),
      valid: z.enum(['01', '02']),
      valid_msg: z.string().optional(),
      status: statusItem.optional(),
    }),
  ),
});
/** odcloud's gateway refusals (auth, quota): `{code, msg}`. */
const gatewayError = z.object({
  code: z.union([z.number(), z.string()]),
  msg: z.string().optional(),
});
/** The API's own refusals: `{status_code: "TOO_LARGE_REQUEST", …}`. */
const apiError = z.object({ status_code: z.string().min(1) });

const STATUS_CODES = { '01': 'active', '02': 'suspended', '03': 'closed' } as const;

/** A `/status` item in our terms; undefined for a number the NTS does not have (empty `b_stt_cd`). */
function toBusinessStatus(item: StatusItem): BusinessStatus | undefined {
  const code = item.b_stt_cd ?? '';
  if (code === '') return undefined;
  const status = STATUS_CODES[code as keyof typeof STATUS_CODES];
  if (!status) throw new ProviderBadResponseError('nts', 'unknown b_stt_cd');
  const closedAt =
    status === 'closed' && /^\d{8}$/.test(item.end_dt ?? '')
      ? `${item.end_dt!.slice(0, 4)}-${item.end_dt!.slice(4, 6)}-${item.end_dt!.slice(6, 8)}`
      : undefined;
  return { status, taxType: item.tax_type ?? '', ...(closedAt ? { closedAt } : {}) };
}

/**
 * 국세청 사업자등록정보 진위확인 및 상태조회 (odcloud `nts-businessman/v1`, research §4). No
 * official client exists; this is the small REST layer the research recommends.
 */
export class NtsBusinessRegistryClient implements BusinessRegistry {
  constructor(
    private readonly settings: NtsSettings,
    readonly gateway: ProviderGateway,
  ) {}

  async lookup(businessNumber: string): Promise<BusinessStatus | undefined> {
    const statuses = await this.lookupMany([businessNumber]);
    return statuses.get(businessNumber);
  }

  /**
   * The status of many numbers (the daily re-check), in calls of at most 100. The map has every
   * number asked; undefined for one the NTS does not have. Each batch is its own gateway call.
   */
  async lookupMany(
    businessNumbers: readonly string[],
  ): Promise<Map<string, BusinessStatus | undefined>> {
    const numbers = [...new Set(businessNumbers)];
    for (const n of numbers) assertBusinessNumber(n);
    const statuses = new Map<string, BusinessStatus | undefined>();
    for (let i = 0; i < numbers.length; i += NTS_BATCH_SIZE) {
      const batch = numbers.slice(i, i + NTS_BATCH_SIZE);
      const answer = await this.post('status', { b_no: batch }, statusAnswer);
      const byNumber = new Map(answer.data.map((item) => [item.b_no, item]));
      for (const n of batch) {
        const item = byNumber.get(n);
        if (!item) throw new ProviderBadResponseError('nts', 'a number asked is missing');
        statuses.set(n, toBusinessStatus(item));
      }
    }
    return statuses;
  }

  async validate(query: BusinessAuthenticityQuery) {
    assertBusinessNumber(query.businessNumber);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(query.openingDate)) {
      throw new RangeError('opening date must be YYYY-MM-DD');
    }
    const answer = await this.post(
      'validate',
      {
        businesses: [
          {
            b_no: query.businessNumber,
            start_dt: query.openingDate.replaceAll('-', ''),
            p_nm: query.representativeName,
          },
        ],
      },
      validateAnswer,
    );
    const item = answer.data.find((d) => d.b_no === query.businessNumber);
    if (!item) throw new ProviderBadResponseError('nts', 'the number asked is missing');
    return item.valid === '01'
      ? {
          result: 'valid' as const,
          status: item.status ? toBusinessStatus(item.status) : undefined,
        }
      : { result: 'invalid' as const, message: item.valid_msg };
  }

  private post<T>(
    operation: 'status' | 'validate',
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const url = new URL(`${this.settings.baseUrl.replace(/\/$/, '')}/${operation}`);
    // URLSearchParams percent-encodes the decoded key once (`+` → %2B, `/` → %2F, `=` → %3D).
    url.searchParams.set('serviceKey', this.settings.serviceKey);
    url.searchParams.set('returnType', 'JSON');
    // Both calls only read the register: the gateway may retry them.
    return this.gateway.call(operation, { idempotent: true }, async (signal) => {
      const response = await providerFetch('nts', url, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        if (response.status >= 500) throw new ProviderUnavailableError('nts');
        throw new ProviderBadResponseError('nts', `unparsable body (HTTP ${response.status})`);
      }
      const parsed = schema.safeParse(json);
      if (response.ok && parsed.success) return parsed.data;
      const refusal = gatewayError.safeParse(json);
      if (refusal.success) throw new ProviderRejectedError('nts', String(refusal.data.code));
      const failed = apiError.safeParse(json);
      if (failed.success && failed.data.status_code !== 'OK') {
        throw new ProviderRejectedError('nts', failed.data.status_code);
      }
      if (response.status >= 500) throw new ProviderUnavailableError('nts');
      throw new ProviderBadResponseError('nts', `${operation} answer shape`);
    });
  }
}

function assertBusinessNumber(n: string): void {
  if (!/^\d{10}$/.test(n)) throw new RangeError('business number must be 10 digits');
}
