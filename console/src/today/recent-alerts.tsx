import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import { formatNumber, formatDateTime } from '../format.js';
import { QueryState } from './query-state.js';

/** Badges dark enough to pass contrast on a striped row (axe): critical filled, the others outlined. */
const SEVERITY_BADGE = {
  critical: { color: 'red.9', variant: 'filled' },
  error: { color: 'red.9', variant: 'outline' },
  warning: { color: 'dark', variant: 'outline' },
} as const;

/**
 * The alerts of the last 24 hours: one line per fault, latest first, as the alert pipeline
 * grouped them for Slack and KakaoTalk, with whether a notice went out.
 */
export function RecentAlerts() {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['operator', 'alerts'],
    queryFn: ({ signal }) => unwrap(api.GET('/operator/alerts', { signal })),
    // Alerts arrive on their own: read again every minute while the screen is open.
    refetchInterval: 60_000,
  });
  const faults = query.data?.faults ?? [];
  return (
    <Stack component="section" aria-labelledby="recent-alerts" gap="xs">
      <Title order={3} id="recent-alerts">
        {t('today.alerts.title')}
      </Title>
      <QueryState query={query} />
      {query.isSuccess && faults.length === 0 && <Text c="dimmed">{t('today.alerts.none')}</Text>}
      {query.data && faults.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('today.alerts.total', {
            events: formatNumber(query.data.total),
            faults: formatNumber(faults.length),
          })}
          {query.data.truncated && ` ${t('today.alerts.truncated')}`}
        </Text>
      )}
      {faults.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('today.alerts.last')}</Table.Th>
              <Table.Th>{t('today.alerts.severity')}</Table.Th>
              <Table.Th>{t('today.alerts.fault')}</Table.Th>
              <Table.Th>{t('today.alerts.count')}</Table.Th>
              <Table.Th>{t('today.alerts.notice')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {faults.map((fault) => (
              <Table.Tr key={fault.fingerprint}>
                <Table.Td>{formatDateTime(fault.lastAt)}</Table.Td>
                <Table.Td>
                  <Badge {...SEVERITY_BADGE[fault.severity]}>
                    {t(`alertSeverity.${fault.severity}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {fault.code}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t(`alertSource.${fault.source}`)} · {fault.where}
                  </Text>
                  <Text size="xs">{fault.summary}</Text>
                </Table.Td>
                <Table.Td>{formatNumber(fault.count)}</Table.Td>
                <Table.Td>
                  {fault.noticeAt
                    ? t('today.alerts.noticed', { time: formatDateTime(fault.noticeAt) })
                    : t('today.alerts.notNoticed')}
                  {fault.pending > 0 && (
                    <Text size="xs" c="dimmed">
                      {t('today.alerts.pending', { count: fault.pending })}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
