import type { AppConfig } from '../../config/config.js';
import { CREATED_KINDS, type CreatedKind, type DemoSeedReport } from './demo-seed.js';
import { DAY_MS, kstDayKey } from '../../platform/time/kst.js';

/** Columns of ASCII padded to line up; the Korean text (double width in a terminal) goes last. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((cells) =>
    `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd(),
  );
}

/** `2026-12-01T09:00:00+09:00`, `…T15:00:00+09:00` → `12-01 09:00–15:00` (KST as given). */
function window(startsAt: string, endsAt: string): string {
  const endDay = endsAt.slice(5, 10) === startsAt.slice(5, 10) ? '' : `${endsAt.slice(5, 10)} `;
  return `${startsAt.slice(5, 10)} ${startsAt.slice(11, 16)}–${endDay}${endsAt.slice(11, 16)}`;
}

/**
 * What `cli demo seed` prints: the accounts (with the passwords this run made: the only time
 * anyone sees them), what exists, and how to sign in. The demo's people are made up, so their
 * emails are printed whole: they are what a newcomer signs in with.
 */
export function formatDemoReport(
  report: DemoSeedReport,
  config: AppConfig,
  now = new Date(),
): string {
  const api = `http://${config.http.host}:${config.http.port}`;
  const shown = report.accounts.filter((a) => a.password !== undefined);
  const created = (Object.keys(CREATED_KINDS) as CreatedKind[]).flatMap((kind) => {
    const count = report.created[kind] ?? 0;
    return count === 0 ? [] : [`${count} ${count === 1 ? kind : CREATED_KINDS[kind]}`];
  });
  const from = kstDayKey(now);
  const to = kstDayKey(now.getTime() + 7 * DAY_MS);
  const lines = [
    created.length === 0
      ? 'the demo data exists: nothing was created'
      : `demo data created: ${created.join(', ')}`,
    '',
    shown.length > 0
      ? 'accounts (the passwords are shown this once and kept nowhere):'
      : 'accounts:',
    ...table([
      ['role', 'email', 'password', 'who'],
      ...report.accounts.map((a) => [
        a.role,
        a.email,
        a.password === undefined
          ? '(exists: not shown again)'
          : `${a.password}${a.temporary ? ' (temporary)' : ''}`,
        a.label,
      ]),
    ]),
    '',
    `business ${report.business.id}: verified, NTS active  ${report.business.name}`,
    '',
    'shifts (KST):',
    ...table(report.shifts.map((s) => [s.id, window(s.startsAt, s.endsAt), s.title])),
    '',
    'assignments:',
    ...table(
      report.assignments.map((a) => [
        a.skipped ? `not made (${a.skipped})` : a.state,
        a.id ?? '-',
        `${a.worker} · ${a.shift}`,
      ]),
    ),
    '',
    `try it: the API at ${api} (Swagger UI at ${api}/docs)`,
    `  curl -s -X POST ${api}/auth/login -H 'content-type: application/json' \\`,
    `    -d '{"email":"${report.accounts.find((a) => a.role === 'business')?.email ?? ''}","password":"<password>"}'`,
    `  curl -s ${api}/businesses/mine -H "authorization: Bearer <accessToken>"`,
    `  then, with a worker's token: GET /shifts?from=${from}&to=${to}, GET /me/assignments,`,
    '  POST /shifts/<id>/applications, POST /assignments/<id>/accept',
  ];
  const operator = report.accounts.find((a) => a.temporary);
  if (operator?.password !== undefined) {
    lines.push(
      '',
      "the operator's temporary password gets no token: POST /auth/login answers 403",
      'new_password_required with a session; within 3 minutes, set a password of their own:',
      `  curl -s -X POST ${api}/auth/complete-new-password -H 'content-type: application/json' \\`,
      `    -d '{"email":"${operator.email}","session":"<session>","newPassword":"<a new password>"}'`,
    );
  }
  if (shown.length < report.accounts.length) {
    lines.push(
      '',
      'a password not shown above was printed when its account was created, and is kept nowhere.',
      'To set a new one: POST /auth/forgot-password {"email"}; the stack console prints',
      '`code <digits> for user …`; then POST /auth/confirm-forgot-password {"email","code","password"}.',
      'To start the demo over: stop the stack, delete .data, npm start, then demo seed again.',
    );
  }
  return `${lines.join('\n')}\n`;
}
