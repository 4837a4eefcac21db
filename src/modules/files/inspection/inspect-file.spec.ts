import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FILE_KIND_RULES, FILE_KINDS } from './file-kinds.js';
import { type InspectionPass, type InspectionResult, inspectFile } from './inspect-file.js';

const RED = { r: 220, g: 20, b: 20 };
const BLUE = { r: 20, g: 20, b: 220 };
const CAMERA = 'WorkmatchTestCam';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

/** A picture whose left half is red and right half blue, so a rotation shows in the pixels. */
function halves(width: number, height: number) {
  const left = { create: { width: width / 2, height, channels: 3 as const, background: RED } };
  return sharp({ create: { width, height, channels: 3, background: BLUE } }).composite([
    { input: left, left: 0, top: 0 },
  ]);
}

function passed(result: InspectionResult): InspectionPass {
  if (!result.ok) expect.fail(`expected a pass, got ${result.code}: ${result.detail}`);
  return result;
}

/**
 * The tags of the GPS IFD in an EXIF block as sharp returns it (`Exif\0\0` then TIFF), by tag
 * number with their 4-byte value field, or undefined when IFD0 has no GPS pointer (tag 0x8825).
 * No EXIF parser is installed, and this walk of the TIFF structure is all the spec needs.
 */
function gpsTags(exif: Buffer): Map<number, Buffer> | undefined {
  const tiff = exif.subarray(6);
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const entries = (ifd: number) => Array.from({ length: u16(ifd) }, (_, i) => ifd + 2 + 12 * i);
  const pointer = entries(u32(4)).find((entry) => u16(entry) === 0x8825);
  if (pointer === undefined) return undefined;
  return new Map(entries(u32(pointer + 8)).map((e) => [u16(e), tiff.subarray(e + 8, e + 12)]));
}

/** A PNG chunk: length, type, data, CRC. */
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(body.length + 8);
  framed.writeUInt32BE(data.length, 0);
  body.copy(framed, 4);
  framed.writeUInt32BE(crc32(body), body.length + 4);
  return framed;
}

/** A PNG whose header claims `width`×`height` and whose data is a single row: 128 bytes. */
function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('inspectFile: images are re-encoded without metadata', () => {
  it('strips the EXIF (GPS position included) of a JPEG and keeps its pixel size', async () => {
    const input = await halves(64, 48)
      .jpeg()
      .withExif({
        IFD0: { Make: CAMERA },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '37/1 33/1 5988/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '126/1 58/1 4188/100',
        },
      })
      .toBuffer();
    const before = await sharp(input).metadata();
    const gps = gpsTags(before.exif!);
    expect([...(gps?.keys() ?? [])]).toEqual(expect.arrayContaining([1, 2, 3, 4]));
    expect(gps?.get(1)?.toString('latin1', 0, 1)).toBe('N');
    expect(input.includes(CAMERA)).toBe(true);

    const sut = passed(
      await inspectFile(input, { kind: 'profile_photo', contentType: 'image/jpeg' }),
    );

    const after = await sharp(sut.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(sut.bytes.includes(CAMERA)).toBe(false);
    expect([after.format, after.width, after.height]).toEqual(['jpeg', 64, 48]);
    expect(sut).toMatchObject({
      contentType: 'image/jpeg',
      extension: 'jpg',
      width: 64,
      height: 48,
      reencoded: true,
    });
  });

  it('turns a JPEG as its EXIF orientation 6 says, and drops the tag', async () => {
    const input = await halves(64, 48).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const before = await sharp(input).metadata();
    expect([before.orientation, before.width, before.height]).toEqual([6, 64, 48]);

    const sut = passed(
      await inspectFile(input, { kind: 'health_certificate', contentType: 'image/jpeg' }),
    );

    const after = await sharp(sut.bytes).metadata();
    expect([after.width, after.height, sut.width, sut.height]).toEqual([48, 64, 48, 64]);
    expect(after.orientation).toBeUndefined();
    expect(after.exif).toBeUndefined();
    // Orientation 6 is a quarter turn clockwise: the red left half is now the top half.
    const { data, info } = await sharp(sut.bytes).raw().toBuffer({ resolveWithObject: true });
    const red = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
    expect(red(24, 4)).toBeGreaterThan(150);
    expect(red(24, 60)).toBeLessThan(100);
  });

  it('strips EXIF, XMP, text and the ICC profile of a PNG and a WebP', async () => {
    const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><where>home</where></x:xmpmeta>';
    const encoded = await halves(40, 30)
      .png()
      .withExif({ IFD0: { Make: CAMERA } })
      .withXmp(xmp)
      .withIccProfile('p3')
      .toBuffer();
    // A tEXt chunk right after IHDR (8-byte signature + 25-byte IHDR chunk): sharp writes none.
    const text = pngChunk('tEXt', Buffer.from('Comment\0home: 101-ho, Seoul', 'latin1'));
    const png = Buffer.concat([encoded.subarray(0, 33), text, encoded.subarray(33)]);
    expect((await sharp(png).metadata()).comments).toEqual([
      { keyword: 'Comment', text: 'home: 101-ho, Seoul' },
    ]);
    const webp = await halves(40, 30)
      .webp()
      .withExif({ IFD0: { Make: CAMERA } })
      .withXmp(xmp)
      .toBuffer();

    for (const [input, contentType, format] of [
      [png, 'image/png', 'png'],
      [webp, 'image/webp', 'webp'],
    ] as const) {
      const before = await sharp(input).metadata();
      expect([!!before.exif, !!before.xmp], contentType).toEqual([true, true]);
      const sut = passed(await inspectFile(input, { kind: 'profile_photo', contentType }));
      const after = await sharp(sut.bytes).metadata();
      const { exif, xmp, icc, comments } = after;
      expect({ format: after.format, exif, xmp, icc, comments }, contentType).toEqual({
        format,
        exif: undefined,
        xmp: undefined,
        icc: undefined,
        comments: undefined,
      });
      expect([sut.width, sut.height]).toEqual([40, 30]);
    }
  });

  it('keeps the first frame of an animated WebP only', async () => {
    const frames = await Promise.all(
      [RED, BLUE, RED].map((background) =>
        sharp({ create: { width: 20, height: 10, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const input = await sharp(frames, { join: { animated: true } })
      .webp()
      .toBuffer();
    expect((await sharp(input).metadata()).pages).toBe(3);

    const sut = passed(
      await inspectFile(input, { kind: 'profile_photo', contentType: 'image/webp' }),
    );

    const after = await sharp(sut.bytes).metadata();
    expect([after.pages, after.width, after.height]).toEqual([undefined, 20, 10]);
  });

  it('drops whatever was appended after the image data', async () => {
    const trailer = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const input = Buffer.concat([await halves(32, 32).jpeg().toBuffer(), trailer]);

    const sut = passed(
      await inspectFile(input, { kind: 'profile_photo', contentType: 'image/jpeg' }),
    );

    expect(sut.bytes.includes('<script>')).toBe(false);
  });

  it('accepts a declared type in any case and with parameters', async () => {
    const input = await halves(16, 16).png().toBuffer();

    const sut = await inspectFile(input, {
      kind: 'qualification_certificate',
      contentType: ' Image/PNG; charset=binary',
    });

    expect(sut).toMatchObject({ ok: true, contentType: 'image/png', extension: 'png' });
  });
});

describe('inspectFile: PDFs pass unchanged', () => {
  it('returns the very bytes of a PDF, not re-encoded and without dimensions', async () => {
    const sut = passed(
      await inspectFile(PDF, { kind: 'business_registration', contentType: 'application/pdf' }),
    );

    expect(sut.bytes.equals(PDF)).toBe(true);
    expect(sut).toMatchObject({
      contentType: 'application/pdf',
      extension: 'pdf',
      reencoded: false,
    });
    expect([sut.width, sut.height]).toEqual([undefined, undefined]);
  });

  it('refuses bytes that begin %PDF without the PDF header (%PDF-1.x)', async () => {
    const sut = await inspectFile(Buffer.from('%PDF is what this note is about'), {
      kind: 'health_certificate',
      contentType: 'application/pdf',
    });

    expect(sut).toMatchObject({ ok: false, code: 'file_type_not_allowed' });
  });
});

describe('inspectFile: the real type must be allowed and declared', () => {
  it('refuses a PNG declared as a JPEG as a mismatch', async () => {
    const input = await halves(16, 16).png().toBuffer();

    const sut = await inspectFile(input, { kind: 'profile_photo', contentType: 'image/jpeg' });

    expect(sut).toEqual({
      ok: false,
      code: 'file_type_mismatch',
      detail: 'The file is image/png but was declared as image/jpeg.',
    });
  });

  it('refuses a PDF renamed .jpg (declared image/jpeg) as a mismatch', async () => {
    const sut = await inspectFile(PDF, { kind: 'health_certificate', contentType: 'image/jpeg' });

    expect(sut).toMatchObject({ ok: false, code: 'file_type_mismatch' });
  });

  it('refuses image/jpg, which is no registered type, as a mismatch', async () => {
    const input = await halves(16, 16).jpeg().toBuffer();

    const sut = await inspectFile(input, { kind: 'profile_photo', contentType: 'image/jpg' });

    expect(sut).toMatchObject({ ok: false, code: 'file_type_mismatch' });
  });

  // Text has no magic number: the bytes are of no type we recognise, so they are not one the kind
  // allows (not a mismatch, which would say they are an allowed type declared as another).
  it.each([
    ['HTML', '<!doctype html><html><body><script>fetch("/api")</script></body></html>'],
    ['plain text', '보건증 결과: 이상 없음\n'],
  ])('refuses %s declared as a PDF as a type not allowed', async (_, text) => {
    const sut = await inspectFile(Buffer.from(text), {
      kind: 'health_certificate',
      contentType: 'application/pdf',
    });

    expect(sut).toEqual({
      ok: false,
      code: 'file_type_not_allowed',
      detail:
        'The file is of no recognised type; a health_certificate may be application/pdf, image/jpeg, image/png.',
    });
  });

  it('refuses a WebP for a health certificate, declared honestly', async () => {
    const input = await halves(16, 16).webp().toBuffer();

    const sut = await inspectFile(input, { kind: 'health_certificate', contentType: 'image/webp' });

    expect(sut).toMatchObject({ ok: false, code: 'file_type_not_allowed' });
    expect(!sut.ok && sut.detail).toContain('The file is image/webp;');
  });

  it('refuses a PDF as a profile photo', async () => {
    const sut = await inspectFile(PDF, { kind: 'profile_photo', contentType: 'application/pdf' });

    expect(sut).toMatchObject({ ok: false, code: 'file_type_not_allowed' });
  });
});

describe('inspectFile: size', () => {
  it('refuses an empty file', async () => {
    const sut = await inspectFile(new Uint8Array(0), {
      kind: 'profile_photo',
      contentType: 'image/jpeg',
    });

    expect(sut).toEqual({ ok: false, code: 'file_empty', detail: 'The file has no bytes.' });
  });

  // The bytes start as a PNG and are otherwise garbage: decoding them would be image_unreadable,
  // so a file_too_large verdict shows the size is checked before any decoding.
  it.each(FILE_KINDS)('refuses a %s one byte over its limit, before decoding', async (kind) => {
    const { maxBytes } = FILE_KIND_RULES[kind];
    const input = Buffer.alloc(maxBytes + 1);
    pngClaiming(16, 16).copy(input);

    const sut = await inspectFile(input, { kind, contentType: 'image/png' });

    expect(sut).toEqual({
      ok: false,
      code: 'file_too_large',
      detail: `The file has ${maxBytes + 1} bytes; a ${kind} may have at most ${maxBytes}.`,
    });
  });

  it('accepts a document of exactly its limit (10 MiB)', async () => {
    const input = Buffer.alloc(10 * 1024 * 1024, 0x20);
    PDF.copy(input);

    const sut = await inspectFile(input, {
      kind: 'qualification_certificate',
      contentType: 'application/pdf',
    });

    expect(sut).toMatchObject({ ok: true, contentType: 'application/pdf' });
  });
});

describe('inspectFile: images that cannot be decoded safely', () => {
  it('refuses a 128-byte PNG claiming 50000×50000 pixels without decoding it', async () => {
    const input = pngClaiming(50_000, 50_000);
    expect(input.byteLength).toBe(128);

    const sut = await inspectFile(input, { kind: 'profile_photo', contentType: 'image/png' });

    expect(sut).toEqual({
      ok: false,
      code: 'image_unreadable',
      detail:
        'The image/png (128 bytes) claims 50000×50000 pixels, over the limit of 40 megapixels.',
    });
  });

  it('refuses a truncated JPEG rather than storing guessed pixels', async () => {
    // Noise, so the cut falls inside the scan data: its headers read, its pixels stop short (a
    // lenient decoder, `failOn: 'none'`, would fill the rest with grey and pass it).
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 };
    const canvas = { width: 128, height: 128, channels: 3 as const, background: 'grey', noise };
    const whole = await sharp({ create: canvas }).jpeg().toBuffer();
    const input = whole.subarray(0, Math.floor(whole.byteLength * 0.6));

    const sut = await inspectFile(input, { kind: 'profile_photo', contentType: 'image/jpeg' });

    expect(sut).toEqual({
      ok: false,
      code: 'image_unreadable',
      detail: `The image/jpeg (${input.byteLength} bytes) could not be decoded.`,
    });
  });
});
