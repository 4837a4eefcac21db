/**
 * Looks inside an uploaded file for known malware, after inspection (inspect-file.ts) and before
 * the file is trusted. Bound to {@link VIRUS_SCANNER}; the local implementation is a stub
 * (stub-virus-scanner.ts), and a deployment is meant to bind a real scanner.
 */
export const VIRUS_SCANNER = Symbol('VIRUS_SCANNER');

export type ScanVerdict = { clean: true } | { clean: false; signature: string };

export interface VirusScanner {
  /** Which scanner answered, recorded with the verdict (`stub`, `clamav`). */
  readonly name: string;
  /** False for a stand-in that detects nothing real: a file it passes was never scanned. */
  readonly real: boolean;
  /** `signature`: the scanner's name for what it found, never the file's content. */
  scan(bytes: Uint8Array): Promise<ScanVerdict>;
}
