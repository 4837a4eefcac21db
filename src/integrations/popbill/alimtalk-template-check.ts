import type { Logger } from 'pino';
import { ALIMTALK_TEMPLATES } from './alimtalk-templates.js';
import type { PopbillKakaoClient } from './kakao.client.js';

/**
 * At the worker's start (`MESSAGE_SENDER=popbill`): asks Popbill whether every template in code
 * is approved, as written, under the configured channel, and warns about each that is not, so
 * a missing approval shows in the logs before the first notification fails on it. Never blocks
 * or fails the start: a Popbill outage is only a warning here.
 */
export async function checkAlimTalkTemplates(
  kakao: PopbillKakaoClient,
  channel: string | undefined,
  logger: Logger,
): Promise<string[]> {
  const log = logger.child({ component: 'alimtalk-templates' });
  try {
    const problems = await kakao.templateProblems(ALIMTALK_TEMPLATES, channel);
    for (const problem of problems) log.warn({ problem }, 'AlimTalk template not sendable');
    if (problems.length === 0) log.info('every AlimTalk template is approved');
    return problems;
  } catch (error) {
    log.warn({ err: error }, 'could not check the AlimTalk templates with Popbill');
    return [];
  }
}
