import type { Logger } from 'pino';
import { ALIMTALK_TEMPLATES } from './alimtalk-templates.js';
import type { PopbillClients } from './popbill.clients.js';

/**
 * At the worker's start (`MESSAGE_SENDER=popbill`): asks Popbill whether every template in code
 * is approved, as written, under the configured channel, and whether the sender number (the SMS
 * fallback's) is registered, and warns about each that is not, so a missing approval shows in the
 * logs before the first notification fails on it. Never blocks
 * or fails the start: a Popbill outage is only a warning here.
 */
export async function checkAlimTalkTemplates(
  { kakao, messages }: Pick<PopbillClients, 'kakao' | 'messages'>,
  channel: string | undefined,
  logger: Logger,
): Promise<string[]> {
  const log = logger.child({ component: 'alimtalk-templates' });
  try {
    const problems = await kakao.templateProblems(ALIMTALK_TEMPLATES, channel);
    if (!(await messages.senderRegistered())) {
      problems.push('the sender number (POPBILL_SENDER_NUMBER) is not registered with Popbill');
    }
    for (const problem of problems) log.warn({ problem }, 'AlimTalk not sendable');
    if (problems.length === 0)
      log.info('every AlimTalk template is approved and the sender number registered');
    return problems;
  } catch (error) {
    log.warn({ err: error }, 'could not check the AlimTalk templates with Popbill');
    return [];
  }
}
