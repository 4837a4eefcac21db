import { describe, expect, it } from 'vitest';
import { logsInsightsLink } from './logs-insights-link.js';

describe('the Logs Insights link of a notice', () => {
  it('opens the fault’s lines of the last hour in the log group, in the console’s own escaping', () => {
    const link = logsInsightsLink('ap-northeast-2', '/ecs/workmatch-api')!({
      code: 'internal',
      where: 'POST /shifts/:id',
    });

    expect(
      link.startsWith(
        "https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#logsV2:logs-insights$3FqueryDetail$3D~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds~editorString~'",
      ),
    ).toBe(true);
    expect(link.endsWith("~source~(~'*2Fecs*2Fworkmatch-api))")).toBe(true);
    // The query decodes back, whole.
    const editor = /editorString~'([^~]+)~/.exec(link)![1]!;
    expect(decodeURIComponent(editor.replace(/\*/g, '%'))).toBe(
      'fields @timestamp, msg, reqId, route, job, err.message | filter code = "internal" and (route = "POST /shifts/:id" or job = "POST /shifts/:id" or component = "POST /shifts/:id") | sort @timestamp desc | limit 50',
    );
  });

  it('makes no link without a log group (locally)', () => {
    expect(logsInsightsLink('us-east-1', undefined)).toBeUndefined();
  });
});
