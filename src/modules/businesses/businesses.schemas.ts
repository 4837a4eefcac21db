import { z } from 'zod';
import { Evidence, freeText } from '../../privacy/free-text.js';
import { revealRequest } from '../../privacy/reveal.js';

/*
 * The operators' decisions on a business as zod schemas and nothing else: the API's DTOs
 * (businesses.dto.ts) wrap them and the operator console's forms import them, so this file and
 * what it imports stay plain TypeScript and zod (the lint checks *.schemas.ts files).
 */

/** Shape only; the service checks the check digit (400 `invalid_business_number`). */
export const BusinessNumber = z
  .string()
  .trim()
  .regex(/^\d{3}\s*-?\s*\d{2}\s*-?\s*\d{5}$/, {
    message: 'Expected 10 digits, e.g. 124-81-00998 or 1248100998.',
  })
  .meta({ example: '124-81-00998' });

/**
 * Staff's lookup of a business by its registration number. A body rather than a query string, so
 * the number never appears in a URL (nor in any proxy's access log).
 */
export const BusinessSearch = z.object({ businessNumber: BusinessNumber }).strict();
export type BusinessSearch = z.infer<typeof BusinessSearch>;

export const NtsStatusName = z.enum(['active', 'suspended', 'closed']).meta({
  description: 'NTS status: active 계속사업자, suspended 휴업자, closed 폐업자',
});
/**
 * 과세유형 as the NTS status API writes it (`tax_type`, codes 01–07): an operator copies it from
 * 홈택스, so it is one of these, not free text.
 */
const NTS_TAX_TYPES = [
  '부가가치세 일반과세자',
  '부가가치세 간이과세자',
  '부가가치세 과세특례자',
  '부가가치세 면세사업자',
  '수익사업을 영위하지 않는 비영리법인이거나 고유번호가 부여된 단체,국가기관 등',
  '고유번호가 부여된 단체',
  '부가가치세 간이과세자(세금계산서 발급사업자)',
] as const;
const TaxType = z.enum(NTS_TAX_TYPES).meta({ example: '부가가치세 일반과세자' });

export const VerificationDecision = z
  .object({
    action: z.enum(['verify', 'revoke']),
    evidence: Evidence.meta({ example: '사업자등록증 사본 확인, ticket 123' }),
    ntsStatus: z
      .object({ status: NtsStatusName, taxType: TaxType })
      .strict()
      .optional()
      .meta({ description: 'The status as the NTS website shows it (홈택스 사업자상태 조회)' }),
    reason: freeText({ max: 500, multiline: true, holds: 'personal' }),
  })
  .strict();
export type VerificationDecision = z.infer<typeof VerificationDecision>;

/** The personal fields of a business an operator may reveal, and why (the access record). */
export const BUSINESS_REVEALABLE = ['businessNumber', 'representativeName'] as const;
export const BusinessRevealRequest = revealRequest(BUSINESS_REVEALABLE);
export type BusinessRevealRequest = z.infer<typeof BusinessRevealRequest>;
