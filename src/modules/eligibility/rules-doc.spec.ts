import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { describeRules, TIME_DEFINITIONS } from './engine/rules.js';

const DOC = new URL('../../../docs/eligibility-rules.md', import.meta.url);

/** docs/eligibility-rules.md, rendered from the engine's own rule list and the default policy. */
function render(): string {
  const policy = loadConfig({}).eligibility;
  const rows = describeRules().map(
    (r) => `| \`${r.code}\` | ${r.message.ko} | ${r.message.en} | ${r.data} |`,
  );
  const settings = Object.entries(policy).map(
    ([name, value]) => `| \`${name}\` | ${String(value)} |`,
  );
  return [
    '# Eligibility rules',
    '',
    '<!-- Generated from src/modules/eligibility/engine/rules.ts; a test keeps it current.',
    '     Regenerate: UPDATE_ELIGIBILITY_DOC=1 npm test -- src/modules/eligibility/rules-doc.spec.ts -->',
    '',
    'A verdict (`GET /shifts/:id/eligibility/:workerId`, `POST /shifts/:id/candidates`, the',
    '`not_eligible` problem and every stored assignment) lists every failing rule, in this order,',
    'each with its code, both messages and its data. Clients branch on the code.',
    '',
    '<!-- prettier-ignore-start -->',
    '| Code | 메시지 | Message | Data |',
    '|---|---|---|---|',
    ...rows,
    '<!-- prettier-ignore-end -->',
    '',
    '## Terms the time rules use',
    '',
    ...TIME_DEFINITIONS.flatMap((d) => [`- **${d.term}**: ${d.definition}`]),
    '',
    'The numbers come from configuration (`ELIGIBILITY_*` in `.env.example`); the defaults:',
    '',
    '<!-- prettier-ignore-start -->',
    '| Setting | Default |',
    '|---|---|',
    ...settings,
    '<!-- prettier-ignore-end -->',
    '',
  ].join('\n');
}

describe('docs/eligibility-rules.md', () => {
  it('lists every rule of the engine with its messages, and the default policy', async () => {
    const expected = render();
    if (process.env.UPDATE_ELIGIBILITY_DOC) await writeFile(DOC, expected);
    expect(await readFile(DOC, 'utf8'), 'regenerate with UPDATE_ELIGIBILITY_DOC=1').toBe(expected);
  });
});
