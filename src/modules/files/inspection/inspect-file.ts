import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import {
  type AcceptedContentType,
  EXTENSIONS,
  FILE_KIND_RULES,
  type FileKind,
} from './file-kinds.js';

/*
 * The check an uploaded file passes before anything trusts it: pure (bytes in, verdict out; no
 * S3, no database), so the files module decides where the bytes come from and where they go.
 * Decisions made here once:
 * - Order: empty, then size (before any parsing, so an oversized upload costs nothing to refuse),
 *   then the real type from the bytes' magic number, then the declaration. A real type the kind
 *   does not accept is `file_type_not_allowed` whatever was declared; so are bytes of no
 *   recognisable type (plain text and HTML have no magic number: we cannot say what they are,
 *   only that they are none of the accepted types). An accepted type declared as another is
 *   `file_type_mismatch`.
 * - The declaration is compared without parameters and case (`Image/JPEG; q=1` is `image/jpeg`);
 *   no aliases (`image/jpg` is no registered type, so it is a mismatch).
 * - Images are decoded and written anew, never kept as uploaded: only pixels survive. That drops
 *   EXIF (the GPS position where a worker photographed their 보건증, the camera's serial), XMP,
 *   IPTC, comments, the ICC profile (after converting to sRGB) and anything hidden after the image
 *   data (a polyglot file). Of an animated WebP only the first frame is kept; an animated PNG is
 *   `image/apng` to file-type, a type no kind accepts.
 * - The decoder refuses on libvips warnings (`failOn: 'warning'`, the level sharp recommends for
 *   untrusted input): a damaged JPEG is refused rather than stored with guessed pixels.
 * - PDFs pass through unchanged, their own metadata and any script included: nothing in this
 *   stack rewrites a PDF, and whether to (flatten to images, or a sanitiser) is an open decision.
 *   What looks inside a PDF is the virus scanner (virus-scan.port.ts), a separate step.
 * - `detail` names types, sizes and dimensions, never anything read from the content.
 */

/**
 * Images whose header claims more pixels than this are refused before their pixels are decoded
 * (a decompression bomb: a few KiB of PNG claiming 50000×50000 would decode to 7.5 GB). 40 MP
 * holds a phone's default photo (12 MP, 4000×3000) and an A4 scan at 600 dpi (35 MP); a full
 * resolution 48 or 50 MP mode is refused, and the worker retakes it in the default mode.
 */
const MAX_INPUT_PIXELS = 40_000_000;

type InspectionRefusalCode =
  | 'file_type_mismatch'
  | 'file_type_not_allowed'
  | 'file_too_large'
  | 'file_empty'
  | 'image_unreadable';

export interface InspectionPass {
  ok: true;
  /** The real type, equal to the declared one. */
  contentType: AcceptedContentType;
  /** Without the dot: `pdf`, `jpg`, `png`, `webp`. */
  extension: string;
  /** What to store: the re-encoded image, or the PDF as uploaded. */
  bytes: Buffer;
  /** Of the stored image, after orientation; absent for a PDF. */
  width?: number;
  height?: number;
  reencoded: boolean;
}

interface InspectionRefusal {
  ok: false;
  code: InspectionRefusalCode;
  detail: string;
}

export type InspectionResult = InspectionPass | InspectionRefusal;

type ImageContentType = Exclude<AcceptedContentType, 'application/pdf'>;

export async function inspectFile(
  bytes: Uint8Array,
  declared: { kind: FileKind; contentType: string },
): Promise<InspectionResult> {
  const rule = FILE_KIND_RULES[declared.kind];
  const accepted = rule.contentTypes.join(', ');
  if (bytes.byteLength === 0) return refuse('file_empty', 'The file has no bytes.');
  if (bytes.byteLength > rule.maxBytes) {
    return refuse(
      'file_too_large',
      `The file has ${bytes.byteLength} bytes; a ${declared.kind} may have at most ${rule.maxBytes}.`,
    );
  }

  const detected = (await fileTypeFromBuffer(bytes))?.mime;
  const contentType = rule.contentTypes.find((type) => type === detected);
  if (contentType === undefined) {
    const what = detected === undefined ? 'of no recognised type' : detected;
    return refuse(
      'file_type_not_allowed',
      `The file is ${what}; a ${declared.kind} may be ${accepted}.`,
    );
  }
  const claimed = declared.contentType.split(';')[0]?.trim().toLowerCase();
  if (claimed !== contentType) {
    return refuse(
      'file_type_mismatch',
      `The file is ${contentType} but was declared as ${claimed || 'nothing'}.`,
    );
  }

  if (contentType === 'application/pdf') return passPdf(bytes);
  return reencode(bytes, contentType);
}

// file-type recognises `%PDF` alone; every PDF version's header is `%PDF-` and a version.
const PDF_HEADER = /^%PDF-\d\.\d/;

function passPdf(bytes: Uint8Array): InspectionResult {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (!PDF_HEADER.test(head)) {
    return refuse('file_type_not_allowed', 'The file starts like a PDF but has no PDF header.');
  }
  return {
    ok: true,
    contentType: 'application/pdf',
    extension: EXTENSIONS['application/pdf'],
    // A copy: the result owns its bytes whatever the caller later does with its array.
    bytes: Buffer.from(bytes),
    reencoded: false,
  };
}

async function reencode(
  bytes: Uint8Array,
  contentType: ImageContentType,
): Promise<InspectionResult> {
  const unreadable = (why: string) =>
    refuse('image_unreadable', `The ${contentType} (${bytes.byteLength} bytes) ${why}.`);
  try {
    // The header alone (sharp decodes no pixels for metadata), read without the limit so the
    // refusal can name the claimed size; the decoding pipeline below enforces the limit itself.
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (width * height > MAX_INPUT_PIXELS) {
      return unreadable(
        `claims ${width}×${height} pixels, over the limit of ${MAX_INPUT_PIXELS / 1_000_000} megapixels`,
      );
    }
    // autoOrient() is rotate() without an angle: turn the pixels as the EXIF orientation says,
    // since the tag goes with the rest of the metadata. No keepMetadata(), keepExif(),
    // withMetadata() or withExif() is called, so sharp writes none: stripping is its default.
    const pipeline = sharp(bytes, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: 'warning',
    }).autoOrient();
    const encoded =
      contentType === 'image/jpeg'
        ? pipeline.jpeg({ quality: 85, mozjpeg: false })
        : contentType === 'image/png'
          ? pipeline.png()
          : pipeline.webp({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return {
      ok: true,
      contentType,
      extension: EXTENSIONS[contentType],
      bytes: data,
      width: info.width,
      height: info.height,
      reencoded: true,
    };
  } catch {
    // libvips' message is not passed on: `detail` promises types and sizes in our words only.
    return unreadable('could not be decoded');
  }
}

function refuse(code: InspectionRefusalCode, detail: string): InspectionRefusal {
  return { ok: false, code, detail };
}
