// The documents the storage benchmark stores.
import { ObjectId } from 'bson';

export function makeDoc(i) {
  return {
    email: `user${i}@example.com`,
    tenant: `t${i % 50}`,
    n: i,
    score: i * 1.5,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    tags: ['worker', i % 2 ? 'night' : 'day'],
    profile: { name: `User ${i}`, age: 20 + (i % 50) },
  };
}

const DAY = 24 * 3_600_000;
// 시도 codes with a rough share of shifts: Seoul and Gyeonggi a quarter each, the rest spread.
const REGIONS = [
  '11',
  '41',
  '11',
  '41',
  '26',
  '27',
  '28',
  '29',
  '30',
  '31',
  '36',
  '43',
  '44',
  '46',
  '47',
  '48',
  '50',
  '51',
];

/** A number in [0, 1) that looks random but is the same for the same `i` and `salt`. */
function unit(i, salt) {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 2 ** 32;
}

/** A shift as ShiftsRepository stores it, starting within `days` days after `from`. */
export function makeShift(i, from, days) {
  const startsAt = new Date(from.getTime() + Math.floor(unit(i, 1) * days * 24) * 3_600_000);
  const sido = REGIONS[Math.floor(unit(i, 2) * REGIONS.length)];
  return {
    _id: new ObjectId(),
    businessId: `b${i % 500}`,
    title: `Shift ${i}`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 4 * 3_600_000),
    place: {
      address: `주소 ${i}`,
      regionCode: `${sido}${String(100 + (i % 800)).padStart(3, '0')}10100`,
      lat: 37.5,
      lng: 127,
    },
    headcount: 5,
    hourlyPayKrw: 12_000,
    requiredQualifications: [],
    minimumAge: 18,
    status: unit(i, 3) < 0.1 ? 'cancelled' : 'open',
    filled: Math.floor(unit(i, 4) * 7),
    holders: [],
    version: 1,
    createdBy: 'bench',
    createdAt: new Date(from.getTime() - DAY),
    updatedAt: new Date(from.getTime() - DAY),
  };
}
