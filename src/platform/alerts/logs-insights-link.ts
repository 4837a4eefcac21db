/**
 * A link that opens CloudWatch Logs Insights on a fault's log lines of the last hour, in the log
 * group the notices name (`ALERTS_LOG_GROUP`), or undefined without one. The console keeps its
 * query in the URL fragment in its own escaping: values percent-encoded with `*` for `%`, the
 * fragment's `?` and `=` as `$3F` and `$3D`.
 */
export function logsInsightsLink(
  region: string,
  logGroup: string | undefined,
): ((fault: { code: string; where: string }) => string) | undefined {
  if (!logGroup) return undefined;
  const escape = (value: string) =>
    encodeURIComponent(value)
      .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%/g, '*');
  return ({ code, where }) => {
    const job = where.startsWith('job ') ? where.slice(4) : where;
    const query =
      'fields @timestamp, msg, reqId, route, job, err.message' +
      ` | filter code = "${code}" and (route = "${where}" or job = "${job}" or component = "${where}")` +
      ' | sort @timestamp desc | limit 50';
    const detail =
      `~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds` +
      `~editorString~'${escape(query)}~source~(~'${escape(logGroup)}))`;
    return (
      `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}` +
      `#logsV2:logs-insights$3FqueryDetail$3D${detail}`
    );
  };
}
