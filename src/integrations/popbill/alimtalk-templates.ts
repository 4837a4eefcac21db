/**
 * The AlimTalk templates the app sends, in code: one per `ASSIGNMENT_TEMPLATES` entry
 * (notifications/assignment-messages.ts; a spec proves none is missing), and the operators'
 * alert page. AlimTalk sends only a
 * body that matches an approved template with its variables filled in, so each body here is
 * the text submitted for approval, character for character; change one only together with a new
 * approval. `code` is the code Popbill assigns when Kakao approves a template: the values here
 * are ours until then, and the stub approves exactly these.
 *
 * No names and no phone numbers: times (already KST text from the caller) and ids only.
 */
export interface AlimTalkTemplate {
  code: string;
  /** Our template name (`assignment.proposed.worker`), the `OutgoingMessage.template`. */
  name: string;
  body: string;
  /** Each `#{변수}` of the body, filled from the message's params. */
  variables: Readonly<Record<string, (params: Readonly<Record<string, string>>) => string>>;
}

const startsAt = (p: Readonly<Record<string, string>>) => p.shiftStartsAt ?? '앱에서 확인';
const assignmentId = (p: Readonly<Record<string, string>>) => p.assignmentId ?? '-';
const occurredAt = (p: Readonly<Record<string, string>>) => p.occurredAt ?? '-';
const cancelledBy = (p: Readonly<Record<string, string>>) =>
  p.cancelledBy === 'worker' ? '근무자' : p.cancelledBy === 'business' ? '업체' : '운영팀';

const common = { 근무시작: startsAt, 배정번호: assignmentId, 처리시각: occurredAt };

const template = (code: string, name: string, lines: readonly string[]): AlimTalkTemplate => ({
  code,
  name,
  body: lines.join('\n'),
  variables: { ...common, 취소주체: cancelledBy },
});

const FOOTER = ['', '배정번호: #{배정번호}', '처리시각: #{처리시각}'];

/**
 * The operators' page (issue 14): one generic template for every critical alert, to the on-call
 * phones. Codes, places, counts and times only, as every alert (no personal data).
 */
export const ALERT_TEMPLATE: AlimTalkTemplate = {
  code: 'WM_OPS_ALERT',
  name: 'operations.alert',
  body: [
    '[워크매치] 장애 알림 (#{환경})',
    '등급: #{등급}',
    '내용: #{코드} · #{위치}',
    '발생: #{횟수}회, 마지막 #{시각}',
    '',
    'Slack 알림 채널에서 자세한 내용을 확인하세요.',
  ].join('\n'),
  variables: {
    환경: (p) => p.environment ?? '-',
    등급: (p) => (p.severity === 'critical' ? '긴급' : p.severity === 'error' ? '오류' : '경고'),
    코드: (p) => p.code ?? '-',
    위치: (p) => p.where ?? '-',
    횟수: (p) => p.count ?? '1',
    시각: (p) => p.lastAt ?? '-',
  },
};

export const ALIMTALK_TEMPLATES: readonly AlimTalkTemplate[] = [
  template('WM_ASGN_PROPOSED_W', 'assignment.proposed.worker', [
    '[워크매치] 근무 제안 안내',
    '#{근무시작} 시작 근무가 제안되었습니다.',
    '앱에서 수락 또는 거절해 주세요.',
    ...FOOTER,
  ]),
  template('WM_ASGN_REJECTED_W', 'assignment.rejected.worker', [
    '[워크매치] 지원 결과 안내',
    '#{근무시작} 시작 근무에 지원하신 건은 이번에 배정되지 않았습니다.',
    '다른 근무를 앱에서 확인해 주세요.',
    ...FOOTER,
  ]),
  template('WM_ASGN_WITHDRAWN_B', 'assignment.withdrawn.business', [
    '[워크매치] 지원 철회 안내',
    '#{근무시작} 시작 근무의 지원 1건이 철회되었습니다.',
    ...FOOTER,
  ]),
  template('WM_ASGN_CONFIRMED_W', 'assignment.confirmed.worker', [
    '[워크매치] 근무 확정 안내',
    '#{근무시작} 시작 근무가 확정되었습니다.',
    '근무 시작 시각에 늦지 않게 도착해 주세요.',
    ...FOOTER,
  ]),
  template('WM_ASGN_CONFIRMED_B', 'assignment.confirmed.business', [
    '[워크매치] 배정 확정 안내',
    '#{근무시작} 시작 근무에 근무자 1명의 배정이 확정되었습니다.',
    ...FOOTER,
  ]),
  template('WM_ASGN_DECLINED_B', 'assignment.declined.business', [
    '[워크매치] 제안 거절 안내',
    '#{근무시작} 시작 근무의 제안 1건을 근무자가 거절했습니다.',
    ...FOOTER,
  ]),
  template('WM_ASGN_CANCELLED_W', 'assignment.cancelled.worker', [
    '[워크매치] 근무 취소 안내',
    '#{근무시작} 시작 근무가 취소되었습니다. (취소: #{취소주체})',
    ...FOOTER,
  ]),
  template('WM_ASGN_CANCELLED_B', 'assignment.cancelled.business', [
    '[워크매치] 배정 취소 안내',
    '#{근무시작} 시작 근무의 배정 1건이 취소되었습니다. (취소: #{취소주체})',
    ...FOOTER,
  ]),
  template('WM_ASGN_COMPLETED_W', 'assignment.completed.worker', [
    '[워크매치] 근무 완료 안내',
    '#{근무시작} 시작 근무가 완료 처리되었습니다. 수고하셨습니다.',
    ...FOOTER,
  ]),
  template('WM_ASGN_NOSHOW_W', 'assignment.no_show.worker', [
    '[워크매치] 결근 처리 안내',
    '#{근무시작} 시작 근무가 결근으로 처리되었습니다.',
    '사실과 다르면 앱에서 문의해 주세요.',
    ...FOOTER,
  ]),
  ALERT_TEMPLATE,
];

const BY_NAME = new Map(ALIMTALK_TEMPLATES.map((t) => [t.name, t]));

export function alimTalkTemplate(name: string): AlimTalkTemplate | undefined {
  return BY_NAME.get(name);
}

const VARIABLE = /#\{([^}]+)\}/g;

/** The template's variable names, in order of appearance. */
export function templateVariables(body: string): string[] {
  return [...body.matchAll(VARIABLE)].map((m) => m[1] ?? '');
}

/**
 * The body as sent: every `#{변수}` replaced by its value. A body variable without a filler is a
 * programming error (the spec checks every template), so it throws.
 */
export function fillTemplate(
  template: AlimTalkTemplate,
  params: Readonly<Record<string, string>>,
): string {
  return template.body.replace(VARIABLE, (_, name: string) => {
    const fill = template.variables[name];
    if (!fill) throw new Error(`template ${template.code} has no filler for a variable`);
    return fill(params);
  });
}

/**
 * Whether `content` is `body` with each variable replaced by some non-empty text: what Kakao
 * checks before it accepts an AlimTalk (the stub uses it).
 */
export function matchesTemplate(body: string, content: string): boolean {
  const pattern = body
    .split(VARIABLE)
    .map((part, i) => (i % 2 === 1 ? '[^\\n]+?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`, 'u').test(content);
}
