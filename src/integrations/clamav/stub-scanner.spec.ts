import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EICAR_TEST_FILE, StubVirusScanner } from './stub-scanner.js';

const eicar = (trailer = '') => Buffer.from(EICAR_TEST_FILE + trailer, 'latin1');

describe('StubVirusScanner', () => {
  const sut = new StubVirusScanner();

  it('says it is a stub, not a real scanner', () => {
    expect({ name: sut.name, real: sut.real }).toEqual({ name: 'stub', real: false });
  });

  it('flags the 68-byte EICAR test file', async () => {
    expect(eicar().byteLength).toBe(68);
    // The MD5 antivirus vendors publish for the file, so a typo in the string cannot pass.
    expect(createHash('md5').update(eicar()).digest('hex')).toBe(
      '44d88612fea8a8f36de82e1278abb02f',
    );

    await expect(sut.scan(eicar())).resolves.toEqual({
      clean: false,
      signature: 'EICAR-Test-File',
    });
  });

  it('flags the EICAR test string inside a file that passes inspection (a PDF)', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%'), eicar(), Buffer.from('\n%%EOF\n')]);

    await expect(sut.scan(pdf)).resolves.toEqual({ clean: false, signature: 'EICAR-Test-File' });
  });

  it('reads only the bytes of the view it is given, not the buffer behind it', async () => {
    const backing = Buffer.concat([Buffer.from('header'), eicar(), Buffer.from('trailer')]);

    await expect(sut.scan(backing.subarray(3, 80))).resolves.toMatchObject({ clean: false });
    await expect(sut.scan(backing.subarray(0, 6))).resolves.toEqual({ clean: true });
  });

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['a PDF', Buffer.from('%PDF-1.7\n%%EOF\n')],
    ['text naming the test file', Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')],
    ['the test string cut short', eicar().subarray(0, 67)],
    [
      'the test string broken by a line',
      Buffer.from(EICAR_TEST_FILE.replace('$EICAR', '$\nEICAR')),
    ],
  ])('passes %s', async (_, bytes) => {
    await expect(sut.scan(bytes)).resolves.toEqual({ clean: true });
  });
});
