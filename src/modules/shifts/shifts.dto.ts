import { z } from 'zod';
import { ObjectIdText } from '../../platform/http/fields.js';
import { queryInteger } from '../../platform/http/text.js';
import { futureKst } from '../../platform/http/examples.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { freeText } from '../../privacy/free-text.js';
import { QUALIFICATION_CODES } from '../qualifications/qualifications.js';
import { toKstIso } from '../../platform/time/kst.js';
import { isRegionCode, isRegionPrefix, KOREA_BOUNDS } from './region-code.js';
import type { Shift, ShiftCursor } from './shifts.repository.js';

/**
 * A date-time with an explicit offset (`2026-12-01T09:00:00+09:00`, or `Z`): a time without one
 * would be read in whatever zone the server happens to run in. Impossible dates are refused.
 */
const Instant = z.iso
  .datetime({
    offset: true,
    message: 'Expected a date-time with its offset, e.g. 2026-12-01T09:00:00+09:00.',
  })
  .transform((value) => new Date(value))
  .meta({ example: '2026-12-01T09:00:00+09:00' });

const KstDateTime = z.string().meta({
  description: 'KST local date-time with offset',
  example: '2026-12-01T09:00:00+09:00',
});

const Title = freeText({ max: 100, holds: 'public' }).meta({ example: '주말 매장 정리 및 진열' });
const Description = freeText({ min: 0, max: 2_000, multiline: true, holds: 'public' }).meta({
  description:
    'Free text shown to workers; an empty string removes it on edit. A phone or email in it is ' +
    "the business's own contact (masked in logs); registration, card and account numbers are refused",
  example: '상품 진열과 재고 정리를 합니다. 편한 운동화를 신고 오세요. 문의 02-555-0123',
});

const Place = z
  .object({
    address: freeText({ max: 200, holds: 'public' }).meta({
      description: 'The workplace address (a business address, not personal data)',
      example: '서울특별시 강남구 테헤란로 152',
    }),
    regionCode: z
      .string()
      .regex(/^\d{10}$/, { message: 'Expected a 10-digit 법정동코드, e.g. 1168010100.' })
      .refine(isRegionCode, {
        message: 'Expected a 10-digit 법정동코드 of a Korean 시도, e.g. 1168010100.',
      })
      .meta({ description: '10-digit 법정동코드: 시도 2 + 시군구 3 + 읍면동 3 + 리 2' }),
    lat: z
      .number()
      .min(KOREA_BOUNDS.minLat, { message: 'The place is not in Korea.' })
      .max(KOREA_BOUNDS.maxLat, { message: 'The place is not in Korea.' }),
    lng: z
      .number()
      .min(KOREA_BOUNDS.minLng, { message: 'The place is not in Korea.' })
      .max(KOREA_BOUNDS.maxLng, { message: 'The place is not in Korea.' }),
  })
  .strict();

const Headcount = z.number().int().min(1).max(500);
const HourlyPay = z
  .number()
  .int()
  .positive()
  .max(10_000_000)
  .meta({ description: 'KRW per hour; at least the configured minimum wage (422 otherwise)' });
const QualificationCode = z.enum(QUALIFICATION_CODES, {
  message: 'Expected a qualification code of the catalogue, e.g. health-certificate.',
});
const Qualifications = z
  .array(QualificationCode)
  .max(20)
  .transform((codes) => [...new Set(codes)]);
const MinimumAge = z.number().int().min(15).max(99);

export const CreateShift = z
  .object({
    title: Title,
    description: Description.optional(),
    startsAt: Instant,
    endsAt: Instant,
    place: Place,
    headcount: Headcount,
    hourlyPayKrw: HourlyPay,
    requiredQualifications: Qualifications.default([]),
    minimumAge: MinimumAge.default(15),
  })
  .strict();
export type CreateShift = z.output<typeof CreateShift>;
export class CreateShiftDto extends zodDto(CreateShift, {
  example: () => ({
    title: '주말 매장 정리 및 진열',
    description: '상품 진열과 재고 정리를 합니다. 편한 운동화를 신고 오세요. 문의 02-555-0123',
    startsAt: futureKst(7, '09:00'),
    endsAt: futureKst(7, '18:00'),
    place: {
      address: '서울특별시 강남구 테헤란로 152',
      regionCode: '1168010100',
      lat: 37.5006,
      lng: 127.0366,
    },
    headcount: 3,
    hourlyPayKrw: 12_000,
    requiredQualifications: ['health-certificate'],
    minimumAge: 18,
  }),
}) {}

export const EditShift = z
  .object({
    version: z
      .number()
      .int()
      .min(1)
      .meta({ description: 'The version read; a stale one is 409 shift_changed' }),
    title: Title.optional(),
    description: Description.optional(),
    startsAt: Instant.optional(),
    endsAt: Instant.optional(),
    place: Place.optional(),
    headcount: Headcount.optional(),
    hourlyPayKrw: HourlyPay.optional(),
    requiredQualifications: Qualifications.optional(),
    minimumAge: MinimumAge.optional(),
  })
  .strict()
  .refine((edit) => Object.keys(edit).some((key) => key !== 'version'), {
    message: 'Nothing to change.',
  });
export type EditShift = z.output<typeof EditShift>;
export class EditShiftDto extends zodDto(EditShift, {
  example: () => ({
    version: 1,
    startsAt: futureKst(8, '10:00'),
    endsAt: futureKst(8, '19:00'),
    headcount: 4,
  }),
}) {}

const CancelShift = z
  .object({
    reason: freeText({ min: 2, max: 500, multiline: true, holds: 'public' }).meta({
      description: 'Shown to the workers assigned',
      example: '기상 악화로 행사가 취소되었습니다.',
    }),
  })
  .strict();
type CancelShift = z.output<typeof CancelShift>;
export class CancelShiftDto extends zodDto(CancelShift, {
  example: () => ({ reason: '기상 악화로 행사가 취소되었습니다.' }),
}) {}

const ShiftIdParams = z.object({ id: ObjectIdText });
export class ShiftIdParamsDto extends zodDto(ShiftIdParams) {}

const BusinessIdParams = z.object({ businessId: ObjectIdText });
export class BusinessIdParamsDto extends zodDto(BusinessIdParams) {}

const KstDate = z.iso.date({ message: 'Expected a KST date, YYYY-MM-DD.' });
const Limit = queryInteger({ min: 1, max: 100 })
  .default(20)
  .meta({ description: 'Page size, 1–100 (default 20)' });
const Cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, { message: 'Expected a cursor this API gave.' })
  .meta({ description: 'The `next` of the page before (opaque)' });

export const BrowseShiftsQuery = z
  .object({
    from: KstDate.meta({ description: 'First KST day (shifts starting that day or later)' }),
    to: KstDate.meta({ description: 'Last KST day, included; at most 31 days after from' }),
    region: z
      .string()
      .regex(/^\d{2,10}$/, { message: 'Expected digits of a 법정동코드, e.g. 11 or 11680.' })
      .refine(isRegionPrefix, {
        message: 'Expected a 2, 5, 8 or 10-digit prefix of a 법정동코드, e.g. 11 or 11680.',
      })
      .optional(),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict();
export type BrowseShiftsQuery = z.output<typeof BrowseShiftsQuery>;
export class BrowseShiftsQueryDto extends zodDto(BrowseShiftsQuery) {}

export const BusinessShiftsQuery = z
  .object({
    status: z.enum(['open', 'cancelled']).optional(),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict();
export type BusinessShiftsQuery = z.output<typeof BusinessShiftsQuery>;
export class BusinessShiftsQueryDto extends zodDto(BusinessShiftsQuery) {}

const PlaceResponse = z.object({
  address: z.string(),
  regionCode: z.string(),
  lat: z.number().nullable().meta({
    description: 'null for a shift migrated from the old app, which recorded no coordinates',
  }),
  lng: z.number().nullable(),
});

/** What any signed-in member sees of a shift. */
export const PublicShiftResponse = z
  .object({
    id: z.string(),
    businessId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    startsAt: KstDateTime,
    endsAt: KstDateTime,
    place: PlaceResponse,
    headcount: z.number().int(),
    slotsLeft: z.number().int(),
    hourlyPayKrw: z.number().int(),
    requiredQualifications: z.array(z.string()),
    minimumAge: z.number().int(),
    status: z.enum(['open', 'cancelled']),
  })
  .meta({ id: 'PublicShift' });
export type PublicShiftResponse = z.infer<typeof PublicShiftResponse>;

/** What the business's staff (and operators) see: the counters and the audit fields too. */
export const ShiftResponse = PublicShiftResponse.extend({
  filled: z.number().int(),
  version: z.number().int(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  cancelledAt: z.iso.datetime().nullable(),
  cancelReason: z.string().nullable(),
}).meta({ id: 'Shift' });
export type ShiftResponse = z.infer<typeof ShiftResponse>;

export const ShiftView = z.union([ShiftResponse, PublicShiftResponse]).meta({ id: 'ShiftView' });
export type ShiftView = z.infer<typeof ShiftView>;

const next = z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' });

export const PublicShiftPage = z
  .object({ items: z.array(PublicShiftResponse), next })
  .meta({ id: 'PublicShiftPage' });
export type PublicShiftPage = z.infer<typeof PublicShiftPage>;

export const ShiftPageResponse = z
  .object({ items: z.array(ShiftResponse), next })
  .meta({ id: 'ShiftPage' });
export type ShiftPageResponse = z.infer<typeof ShiftPageResponse>;

export function mapPublicShift(shift: Shift): PublicShiftResponse {
  return {
    id: shift.id,
    businessId: shift.businessId,
    title: shift.title,
    description: shift.description ?? null,
    startsAt: toKstIso(shift.startsAt),
    endsAt: toKstIso(shift.endsAt),
    place: { ...shift.place, lat: shift.place.lat ?? null, lng: shift.place.lng ?? null },
    headcount: shift.headcount,
    slotsLeft: Math.max(0, shift.headcount - shift.filled),
    hourlyPayKrw: shift.hourlyPayKrw,
    requiredQualifications: [...shift.requiredQualifications],
    minimumAge: shift.minimumAge,
    status: shift.status,
  };
}

export function mapShift(shift: Shift): ShiftResponse {
  return {
    ...mapPublicShift(shift),
    filled: shift.filled,
    version: shift.version,
    createdBy: shift.createdBy,
    createdAt: shift.createdAt.toISOString(),
    updatedAt: shift.updatedAt.toISOString(),
    cancelledAt: shift.cancelledAt?.toISOString() ?? null,
    cancelReason: shift.cancelReason ?? null,
  };
}

/** The cursor as clients see it: opaque base64url of `[startsAt millis, id]`. */
export function encodeCursor(cursor: ShiftCursor): string {
  return Buffer.from(JSON.stringify([cursor.startsAt.getTime(), cursor.id])).toString('base64url');
}

/**
 * The cursor a client sent back, or undefined when it is not one this API could have given: the
 * text must be the canonical encoding of `[startsAt millis, id]` (so no second spelling of one
 * cursor exists) and the time a real date.
 */
export function decodeCursor(text: string): ShiftCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f]{24}$/.test(value[1])
    ) {
      const cursor = { startsAt: new Date(value[0] as number), id: value[1] };
      if (Number.isNaN(cursor.startsAt.getTime()) || encodeCursor(cursor) !== text)
        return undefined;
      return cursor;
    }
  } catch {
    // fall through: not JSON
  }
  return undefined;
}
