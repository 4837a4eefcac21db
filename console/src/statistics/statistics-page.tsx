import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Button, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import { monthlyStatistics } from '../api/queries.js';
import { formatDateTime, formatMonth, formatNumber, formatRate } from '../format.js';
import { problemMessage } from '../i18n/messages.js';
import { QueryState } from '../today/query-state.js';

/** File sizes the Korean way: `12.3 KB`. */
function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${formatNumber(bytes / 1024)} KB`;
}

/**
 * The monthly statistics: every month the job has produced, its headline figures drawn month by
 * month, and its files (XLSX, CSV) to download. The chart library comes with this screen only.
 */
export default function StatisticsPage() {
  const { t } = useTranslation();
  const query = useQuery(monthlyStatistics);
  const download = useMutation({
    mutationFn: async ({ month, file }: { month: string; file: string }) => {
      const link = await unwrap(
        api.GET('/operator/stats/{month}/{file}', { params: { path: { month, file } } }),
      );
      // The browser downloads from the presigned URL (S3 names the file for it).
      window.location.assign(link.url);
    },
  });
  // Oldest first, for the charts.
  const reports = [...(query.data?.reports ?? [])].reverse().filter((r) => !r.empty);
  const series = reports.map((report) => ({
    month: formatMonth(report.month),
    signUps: report.headline.signUps ?? 0,
    shiftsPosted: report.headline.shiftsPosted ?? 0,
    assignmentsCompleted: report.headline.assignmentsCompleted ?? 0,
    fillRate: Math.round((report.headline.fillRate ?? 0) * 1000) / 10,
    noShowRate: Math.round((report.headline.noShowRate ?? 0) * 1000) / 10,
  }));
  return (
    <Stack gap="lg">
      <Title order={2}>{t('statistics.title')}</Title>
      <QueryState query={query} />
      {query.isSuccess && query.data.reports.length === 0 && (
        <Text c="dimmed">{t('today.stats.none')}</Text>
      )}
      {series.length > 0 && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Stack component="figure" m={0} gap="xs" aria-labelledby="stats-activity">
            <Title order={3} size="h5" id="stats-activity">
              {t('statistics.activity')}
            </Title>
            <BarChart
              h={240}
              data={series}
              dataKey="month"
              series={[
                { name: 'signUps', label: t('headline.signUps'), color: 'blue.8' },
                { name: 'shiftsPosted', label: t('headline.shiftsPosted'), color: 'teal.9' },
                {
                  name: 'assignmentsCompleted',
                  label: t('headline.assignmentsCompleted'),
                  color: 'grape.8',
                },
              ]}
              withLegend
              valueFormatter={formatNumber}
            />
          </Stack>
          <Stack component="figure" m={0} gap="xs" aria-labelledby="stats-rates">
            <Title order={3} size="h5" id="stats-rates">
              {t('statistics.rates')}
            </Title>
            <LineChart
              h={240}
              data={series}
              dataKey="month"
              unit="%"
              series={[
                { name: 'fillRate', label: t('headline.fillRate'), color: 'blue.8' },
                { name: 'noShowRate', label: t('headline.noShowRate'), color: 'red.9' },
              ]}
              withLegend
            />
          </Stack>
        </SimpleGrid>
      )}
      {download.isError && (
        <Alert color="red" role="alert">
          {problemMessage(t, download.error)}
        </Alert>
      )}
      {(query.data?.reports.length ?? 0) > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('statistics.columns.month')}</Table.Th>
              <Table.Th>{t('statistics.columns.generated')}</Table.Th>
              <Table.Th>{t('statistics.columns.headline')}</Table.Th>
              <Table.Th>{t('statistics.columns.files')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data?.reports.map((report) => (
              <Table.Tr key={report.month}>
                <Table.Td>{formatMonth(report.month)}</Table.Td>
                <Table.Td>{formatDateTime(report.generatedAt)}</Table.Td>
                <Table.Td>
                  {report.empty
                    ? t('statistics.empty')
                    : t('statistics.summary', {
                        shifts: formatNumber(report.headline.shiftsPosted ?? 0),
                        fill: formatRate(report.headline.fillRate ?? 0),
                      })}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    {report.files.length === 0 && (
                      <Text size="sm" c="dimmed">
                        {t('statistics.noFiles')}
                      </Text>
                    )}
                    {report.files.map((file) => (
                      <Button
                        key={file.name}
                        size="xs"
                        variant="default"
                        aria-label={t('statistics.downloadFile', {
                          month: formatMonth(report.month),
                          file: file.name,
                        })}
                        loading={
                          download.isPending &&
                          download.variables.month === report.month &&
                          download.variables.file === file.name
                        }
                        onClick={() => download.mutate({ month: report.month, file: file.name })}
                      >
                        {file.name} ({formatBytes(file.bytes)})
                      </Button>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
