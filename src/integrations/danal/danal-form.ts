import iconv from 'iconv-lite';

/** Danal's character sets: EUC-KR by default, UTF-8 when the merchant asks for it. */
export type DanalCharset = 'EUC-KR' | 'UTF-8';

const UNRESERVED = /[A-Za-z0-9\-_.*]/;

/**
 * Danal's `key=value&…` body in the charset's bytes. Danal's sample sends values as they are;
 * we percent-encode the bytes of each value (what a browser does for a form in that charset), so
 * a TARGETURL holding `&` or `=` survives, and decode what comes back the same way (URL-decoding
 * answers is [P] in providers.md: a raw value without `%` reads the same either way).
 */
export function encodeDanalForm(fields: Record<string, string>, charset: DanalCharset): Buffer {
  const parts = Object.entries(fields).map(([key, value]) => {
    let encoded = '';
    for (const byte of iconv.encode(value, charset)) {
      const c = String.fromCharCode(byte);
      encoded +=
        byte < 0x80 && UNRESERVED.test(c)
          ? c
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return `${key}=${encoded}`;
  });
  return Buffer.from(parts.join('&'), 'latin1');
}

/**
 * Parses a `key=value&…` body: split on `&`, then on the first `=`, then each value's bytes
 * (percent-decoded) read in the charset. EUC-KR's two-byte characters never contain `&`, `=` or
 * `%` (both bytes are ≥ 0x81), so splitting the raw bytes is safe.
 */
export function decodeDanalForm(body: Buffer, charset: DanalCharset): Record<string, string> {
  const out: Record<string, string> = {};
  const text = body.toString('latin1');
  if (text.trim() === '') return out;
  for (const pair of text.split('&')) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    const raw = at < 0 ? '' : pair.slice(at + 1);
    if (key === '') continue;
    out[key.trim()] = iconv.decode(percentDecode(raw), charset);
  }
  return out;
}

function percentDecode(latin1: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < latin1.length; i += 1) {
    const c = latin1.charCodeAt(i);
    const hex = latin1.slice(i + 1, i + 3);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c === 0x2b ? 0x20 : c);
    }
  }
  return Buffer.from(bytes);
}
