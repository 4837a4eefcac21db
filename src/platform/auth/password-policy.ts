/**
 * The user pool's password policy (plain TypeScript, no Node module: the console's forms check it
 * in the browser too), checked in our DTOs too so a weak password is refused with
 * a clear message before Cognito sees it. It must equal the pool's: Cognito's default policy,
 * which cognito-local also reports (and the CDK app is to set explicitly).
 */
const PASSWORD_POLICY = {
  minLength: 8,
  maxLength: 256,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
} as const;

export const PASSWORD_POLICY_TEXT =
  'at least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol';

/** The characters Cognito counts as symbols (a space counts too, when not leading or trailing). */
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ';

export function meetsPasswordPolicy(password: string): boolean {
  const trimmedSpaces = password.trim() === password;
  return (
    trimmedSpaces &&
    password.length >= PASSWORD_POLICY.minLength &&
    password.length <= PASSWORD_POLICY.maxLength &&
    /\p{Lu}/u.test(password) &&
    /\p{Ll}/u.test(password) &&
    /\d/.test(password) &&
    [...password].some((c) => SYMBOLS.includes(c))
  );
}
