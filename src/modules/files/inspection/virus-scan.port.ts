/**
 * Looks inside an uploaded file for known malware, after inspection (inspect-file.ts) and before
 * the file is trusted. Bound to {@link VIRUS_SCANNER} by the integrations: clamd (the ClamAV
 * sidecar in AWS; integrations/clamav/clamd.client.ts), or locally a stub that knows only the
 * EICAR test file (integrations/clamav/stub-scanner.ts).
 */
export const VIRUS_SCANNER = Symbol('VIRUS_SCANNER');

export type ScanVerdict = { clean: true } | { clean: false; signature: string };

export interface VirusScanner {
  /** Which scanner answered, recorded with the verdict (`stub`, `clamav`). */
  readonly name: string;
  /** False for a stand-in that detects nothing real: a file it passes was never scanned. */
  readonly real: boolean;
  /**
   * `signature`: the scanner's name for what it found, never the file's content. Throws (a
   * provider error: 502, 503, 504) when no verdict could be had; never answers clean then.
   */
  scan(bytes: Uint8Array): Promise<ScanVerdict>;
}
