import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  POLICY_TABLE_END,
  POLICY_TABLE_START,
  renderPolicyTable,
} from './privacy/personal-data/policy-doc.js';
import { PERSONAL_DATA_POLICIES } from './personal-data.registry.js';

const DOC = new URL('../docs/personal-data.md', import.meta.url);

describe('docs/personal-data.md', () => {
  it('lists exactly the fields the personal data policies declare', async () => {
    const doc = await readFile(DOC, 'utf8');
    const start = doc.indexOf(POLICY_TABLE_START);
    const end = doc.indexOf(POLICY_TABLE_END);
    expect(start, 'the generated block is missing').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const expected = renderPolicyTable(PERSONAL_DATA_POLICIES);
    const actual = doc.slice(start, end + POLICY_TABLE_END.length);
    if (process.env.UPDATE_PERSONAL_DATA_DOC && actual !== expected) {
      await writeFile(
        DOC,
        doc.slice(0, start) + expected + doc.slice(end + POLICY_TABLE_END.length),
      );
      return;
    }
    expect(actual, 'regenerate with UPDATE_PERSONAL_DATA_DOC=1').toBe(expected);
  });

  it('names every collection that holds a policy field', () => {
    const table = renderPolicyTable(PERSONAL_DATA_POLICIES);
    for (const policy of PERSONAL_DATA_POLICIES) {
      for (const field of Object.keys(policy.fields)) {
        expect(table).toContain(`| \`${policy.collection}\` | \`${field}\` |`);
      }
    }
  });
});
