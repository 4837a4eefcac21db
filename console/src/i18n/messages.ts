import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { ApiProblem } from '../api/problem.js';
import { currentLanguage } from './i18n.js';
import { ko } from './ko.js';

type ProblemKey = keyof typeof ko.problem;

function isProblemKey(code: string): code is ProblemKey {
  return Object.hasOwn(ko.problem, code);
}

/** `5분` / `5 minutes`: a Retry-After in words of the console's language. */
function waitInWords(seconds: number): string {
  const minutes = seconds >= 90;
  return new Intl.NumberFormat(currentLanguage() === 'en' ? 'en' : 'ko-KR', {
    style: 'unit',
    unit: minutes ? 'minute' : 'second',
    unitDisplay: 'long',
  }).format(minutes ? Math.ceil(seconds / 60) : Math.max(1, Math.round(seconds)));
}

/** What a failed call says to the operator: by the problem's stable code, in their language. */
export function problemMessage(t: TFunction, error: unknown): string {
  const problem =
    error instanceof ApiProblem ? error : new ApiProblem(0, 'network_error', String(error));
  const { code } = problem;
  const known = isProblemKey(code) ? code : undefined;
  const sentence = known
    ? t(`problem.${known}`)
    : problem.status >= 500
      ? t('problem.service_unavailable')
      : t('problem.unknown', { code });
  return problem.retryAfterSeconds !== undefined
    ? `${sentence} ${t('problem.retryAfter', { time: waitInWords(problem.retryAfterSeconds) })}`
    : sentence;
}

/** Where a message stands in a form: a zod issue, or a field of a validation_failed problem. */
interface FieldIssue {
  path: readonly PropertyKey[] | string;
  code: string;
  message: string;
  maximum?: number | bigint;
}

/**
 * The message of a schema issue. The API's schemas speak English; the operator reads Korean
 * first, so each issue the sign-in forms can show is worded here by its field and code, and the
 * schema's own sentence stands only in English, where nothing better fits.
 */
function issueMessage(t: TFunction, issue: FieldIssue): string {
  const field = typeof issue.path === 'string' ? issue.path : issue.path.join('.');
  if (issue.code === 'too_big' && issue.maximum !== undefined)
    return t('validation.tooLong', { maximum: Number(issue.maximum) });
  if (field === 'email') return t('validation.email');
  if (field === 'password') return t('validation.passwordRequired');
  if (field === 'newPassword') return t('validation.passwordPolicy');
  if (field === 'session') return t('problem.invalid_session');
  if (field === 'evidence') return t('validation.evidence');
  if (field === 'reason') return t('validation.reason');
  if (field === 'fields') return t('members.pickField');
  if (field === 'status') return t('validation.status');
  if (field === 'phone') return t('validation.phone');
  return currentLanguage() === 'en' ? issue.message : t('validation.invalid');
}

/** A zod result as Mantine form errors, one message per field. */
export function formErrors(t: TFunction, result: z.ZodSafeParseResult<unknown>) {
  const errors: Record<string, string> = {};
  if (result.success) return errors;
  for (const issue of result.error.issues) {
    const field = issue.path.join('.');
    errors[field] ??= issueMessage(t, {
      ...issue,
      maximum: 'maximum' in issue ? Number(issue.maximum) : undefined,
    });
  }
  return errors;
}

/** The field errors of a 400 validation_failed, worded as the form's own. */
export function problemFieldErrors(t: TFunction, problem: ApiProblem) {
  const errors: Record<string, string> = {};
  for (const error of problem.errors)
    errors[error.field] ??= issueMessage(t, { ...error, path: error.field });
  return errors;
}
