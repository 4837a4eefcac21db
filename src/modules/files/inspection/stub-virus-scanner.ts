import type { ScanVerdict, VirusScanner } from './virus-scan.port.js';

/*
 * A stub, and it says so (`real: false`). ClamAV installs from Debian here (`clamav` 1.4), but its
 * signature database cannot: `freshclam` downloads it from ClamAV's mirrors, and this machine
 * reaches only the npm registry and Debian apt. A clamd without signatures detects nothing, so
 * binding one would be worse than this stub: it would look like a scanner and pass everything.
 * In AWS the port is meant for a real scanner (a ClamAV sidecar whose freshclam reaches its
 * mirrors, or GuardDuty Malware Protection for S3 reporting on the upload bucket); neither is
 * built yet.
 *
 * The stub recognises only the EICAR test string, the harmless 68 bytes every antivirus detects
 * by agreement, so the refusal path can be exercised end to end. It finds the string anywhere in
 * the file, not only as EICAR's definition has it (the whole file, whitespace after, at most 128
 * bytes): the files service scans what inspection passed, so a test must carry the string inside
 * a file of an accepted type (a PDF), and a bare EICAR file is refused by inspection first.
 */

/**
 * The 68-byte EICAR test string. Assembled at run time so this source, and what it compiles to,
 * does not itself carry the string a developer's antivirus would quarantine.
 */
export const EICAR_TEST_FILE = [
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR',
  '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
].join('');

const EICAR = Buffer.from(EICAR_TEST_FILE, 'latin1');

export class StubVirusScanner implements VirusScanner {
  readonly name = 'stub';
  readonly real = false;

  async scan(bytes: Uint8Array): Promise<ScanVerdict> {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return view.includes(EICAR) ? { clean: false, signature: 'EICAR-Test-File' } : { clean: true };
  }
}
