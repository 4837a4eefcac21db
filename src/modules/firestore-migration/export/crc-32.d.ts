/** The CRC32C half of `crc-32` (SheetJS), which ships types for its CRC-32 half only. */
declare module 'crc-32/crc32c.js' {
  const crc32c: { buf(data: Uint8Array, seed?: number): number };
  export default crc32c;
}
