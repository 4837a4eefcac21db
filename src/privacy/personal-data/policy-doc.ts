import { lookupField, type PersonalDataPolicy, RETENTION_CLASSES } from './policy.js';

/** Prettier leaves the generated block alone, so it stays byte-for-byte what the code renders. */
export const POLICY_TABLE_START =
  '<!-- prettier-ignore-start -->\n<!-- personal-data-policies:start (generated; do not edit) -->';
export const POLICY_TABLE_END = '<!-- personal-data-policies:end -->\n<!-- prettier-ignore-end -->';

const STORAGE = {
  encrypted: 'field ciphertext (AES/ARIA-256-GCM, bound to collection, field and id)',
  plain: 'as is',
  note: 'note ciphertext (AES/ARIA-256-GCM, bound to collection, path and id)',
} as const;

/**
 * The table of every field the personal data policies declare, for docs/personal-data.md: the
 * document is checked against it, so it cannot drift from the code.
 */
export function renderPolicyTable(policies: readonly PersonalDataPolicy[]): string {
  const rows = [
    '| Collection | Field | What | Stored as | Lookup | Shown as | Raw to (audited reveal) | Retention |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const policy of policies) {
    for (const [name, field] of Object.entries(policy.fields)) {
      const retention = `${policy.retention.class} (${policy.retention.method} from \`${policy.retention.from}\`)`;
      rows.push(
        `| \`${policy.collection}\` | \`${name}\` | ${field.description} | ${STORAGE[field.storage]} | ` +
          `${field.blindIndex ? `\`${lookupField(name)}\` (HMAC-SHA256, ${field.blindIndex})` : '-'} | ` +
          `${field.masking} | ${policy.revealableBy.join(', ')} | ${retention} |`,
      );
    }
    for (const [path, note] of Object.entries(policy.notes ?? {})) {
      const retention = `${policy.retention.class} (${policy.retention.method} from \`${policy.retention.from}\`)`;
      rows.push(
        `| \`${policy.collection}\` | \`${path}\` | ${note.description} | ${STORAGE.note} | - | ` +
          `note | ${policy.revealableBy.join(', ')} | ${retention} |`,
      );
    }
  }
  const classes = Object.entries(RETENTION_CLASSES).map(
    ([name, { description }]) => `- \`${name}\`: ${description}`,
  );
  return [
    POLICY_TABLE_START,
    '',
    ...rows,
    '',
    'Retention classes:',
    '',
    ...classes,
    '',
    POLICY_TABLE_END,
  ].join('\n');
}
