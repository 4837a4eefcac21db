/*
 * The API's own sign-in schemas, not copies: the forms validate with what the API validates with.
 * auth.schemas.ts stays browser-safe (zod and a few plain modules only; eslint.config.js checks it).
 */
export { CompleteNewPassword, Login } from '../../../src/modules/auth/auth.schemas.js';
