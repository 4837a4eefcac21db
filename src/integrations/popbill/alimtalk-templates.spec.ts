import { describe, expect, it } from 'vitest';
import { ASSIGNMENT_TEMPLATES } from '../../modules/notifications/assignment-messages.js';
import {
  ALIMTALK_TEMPLATES,
  alimTalkTemplate,
  fillTemplate,
  matchesTemplate,
  templateVariables,
} from './alimtalk-templates.js';

const PARAMS = {
  assignmentId: 'asg-1',
  shiftId: 'shf-1',
  workerId: 'wrk-1',
  businessId: 'biz-1',
  occurredAt: '2026-12-05 09:00',
  shiftStartsAt: '2026-12-06 08:30',
  cancelledBy: 'business',
};

describe('AlimTalk templates', () => {
  it('has a template for every message the app can send', () => {
    const missing = ASSIGNMENT_TEMPLATES.filter((name) => !alimTalkTemplate(name));
    expect(missing).toEqual([]);
    expect(ASSIGNMENT_TEMPLATES.length).toBeGreaterThan(0);
  });

  it('gives each template its own code, within what Popbill accepts', () => {
    const codes = ALIMTALK_TEMPLATES.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9_]{1,30}$/);
  });

  it('fills every variable of every template, and the filled body matches its template', () => {
    for (const template of ALIMTALK_TEMPLATES) {
      for (const name of templateVariables(template.body)) {
        expect(template.variables[name], `${template.code} #{${name}}`).toBeTypeOf('function');
      }
      const content = fillTemplate(template, PARAMS);
      expect(content).not.toMatch(/#\{/);
      expect(matchesTemplate(template.body, content)).toBe(true);
      // AlimTalk's body limit is 1,000 characters.
      expect(content.length).toBeLessThanOrEqual(1000);
    }
  });

  it('fills the body exactly: KST time as the caller formatted it, ids, who cancelled', () => {
    const content = fillTemplate(alimTalkTemplate('assignment.cancelled.worker')!, PARAMS);
    expect(content).toBe(
      [
        '[워크매치] 근무 취소 안내',
        '2026-12-06 08:30 시작 근무가 취소되었습니다. (취소: 업체)',
        '',
        '배정번호: asg-1',
        '처리시각: 2026-12-05 09:00',
      ].join('\n'),
    );
  });

  it('does not match a body whose fixed text was changed', () => {
    const template = alimTalkTemplate('assignment.confirmed.worker')!;
    const content = fillTemplate(template, PARAMS).replace('확정', '변경');
    expect(matchesTemplate(template.body, content)).toBe(false);
  });
});
