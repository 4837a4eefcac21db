import type { ScanVerdict, VirusScanner } from '../../modules/files/inspection/virus-scan.port.js';

/*
 * The local stand-in for clamd (`VIRUS_SCANNER=stub`, local mode only), and it says so
 * (`real: false`, recorded with each file it passes). ClamAV installs from Debian here, but its
 * signature database cannot: `freshclam` downloads it from ClamAV's mirrors, and this machine
 * reaches only the npm registry and Debian apt. A clamd without signatures detects nothing; the
 * tests run a real clamd with one signature of their own (test/support/clamd.ts). In AWS the
 * port is bound to clamd (clamd.client.ts), the ClamAV sidecar whose freshclam reaches its mirrors,
 * and the configuration refuses this stub there.
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
