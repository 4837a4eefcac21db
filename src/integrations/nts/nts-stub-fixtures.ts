/**
 * The NTS stub's register: made-up numbers with valid check digits (the app checks them before
 * asking). The local stack's configuration defaults to `STUB_SERVICE_KEY`. None of it is real.
 */

/**
 * A decoded data.go.kr key with the characters that break when encoded twice (`+`, `/`, `=`),
 * as real keys have.
 */
export const STUB_SERVICE_KEY = 'wOrKmAtCh+LoCaL/NtS+sErViCe/KeY==';

export interface StubBusiness {
  statusCode: '01' | '02' | '03';
  taxType: string;
  taxTypeCode: string;
  endDate?: string;
  /** For `/validate`: `(b_no, start_dt, p_nm)` must match. */
  openingDate: string;
  representative: string;
}

const GENERAL = { taxType: '부가가치세 일반과세자', taxTypeCode: '01' };

export const STUB_BUSINESSES: Readonly<Record<string, StubBusiness>> = {
  // The demo seed's business (modules/demo/demo-data.ts).
  '2208804739': { statusCode: '01', ...GENERAL, openingDate: '20180402', representative: '정하늘' },
  '1248100998': { statusCode: '01', ...GENERAL, openingDate: '19690113', representative: '김대표' },
  '2208100016': {
    statusCode: '01',
    taxType: '부가가치세 간이과세자',
    taxTypeCode: '02',
    openingDate: '20200301',
    representative: '최간이',
  },
  '2208100020': { statusCode: '02', ...GENERAL, openingDate: '20190715', representative: '한휴업' },
  '2208100035': {
    statusCode: '03',
    ...GENERAL,
    endDate: '20251231',
    openingDate: '20150501',
    representative: '오폐업',
  },
};

/** Registered nowhere: the API answers it with empty codes (research §4.2). */
export const STUB_UNREGISTERED_NUMBER = '2208100049';
