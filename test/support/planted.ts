/**
 * Personal data that tests plant in requests, and the scanner that looks for it raw in what the
 * system wrote (log lines, what the provider and Slack stubs received): the privacy tests' one
 * definition of "no personal data left".
 */
export const PLANTED = {
  phone: '010-9876-5432',
  phoneDigits: '01098765432',
  phoneIntl: '+821098765432',
  email: `planted.person${process.pid}@example.com`,
  rrn: '850315-1234567',
  rrnDigits: '8503151234567',
  account: '110-987-654321',
  accountDigits: '110987654321',
} as const;

/** What a raw value may look like in written text (JSON-escaped or URL-encoded). */
function rawForms(value: string): string[] {
  return [value, encodeURIComponent(value), value.replace(/-/g, '')].filter((v) => v.length >= 8);
}

/** Each planted value found raw in `texts`, as `name (form) in <where>`. */
export function plantedIn(texts: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const [name, value] of Object.entries(PLANTED)) {
    for (const form of rawForms(value)) {
      texts.forEach((text, i) => {
        if (text.includes(form)) leaks.push(`${name} (${form}) in text ${i}`);
      });
    }
  }
  return leaks;
}

/** The same values in a query string. */
export function plantedQuery(): string {
  return new URLSearchParams({
    phone: PLANTED.phoneIntl,
    email: PLANTED.email,
    rrn: PLANTED.rrnDigits,
    account: PLANTED.account,
  }).toString();
}
