import { randomBytes } from 'node:crypto';

/** A generated password: 144 random bits, plus one character of each class the policy demands. */
export function generatePassword(): string {
  return `${randomBytes(18).toString('base64url')}-Aa1`;
}
