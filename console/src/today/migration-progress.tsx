import { Badge, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../api/problem.js';
import { migrationStatus } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { formatDateTime, formatNumber } from '../format.js';
import { QueryState } from './query-state.js';

type StageStatus = components['schemas']['MigrationStatus']['stages'][number]['status'];

/** Dark shades, outlined: 4.5:1 on white (axe checks contrast in the browser tests). */
const STATUS_COLOR: Record<StageStatus, string> = {
  pending: 'gray.8',
  copying: 'blue.9',
  copied: 'cyan.9',
  verified: 'teal.9',
  cleaned: 'green.9',
};

/** The Firestore migration at a glance (admins): each stage's state and counts, the last run. */
export function MigrationProgress() {
  const { t } = useTranslation();
  const query = useQuery(migrationStatus);
  // The migration's routes answer 404 while MIGRATION_ENABLED=false, as if absent.
  const off = query.error instanceof ApiProblem && query.error.status === 404;
  const status = query.data;
  const verified =
    status?.stages.filter((s) => s.status === 'verified' || s.status === 'cleaned').length ?? 0;
  const lastRun = status?.runs[0];

  return (
    <Stack component="section" aria-labelledby="migration-progress">
      <Title order={3} id="migration-progress">
        {t('today.migration.title')}
      </Title>
      {off || status?.enabled === false ? (
        <Text c="dimmed">{t('today.migration.disabled')}</Text>
      ) : (
        <QueryState query={query} />
      )}
      {status?.enabled && (
        <>
          <Group gap="lg">
            <Text fw={600}>
              {t('today.migration.summary', { total: status.stages.length, verified })}
            </Text>
            <Text c="dimmed">
              {lastRun
                ? t('today.migration.lastRun', {
                    time: formatDateTime(lastRun.startedAt),
                    outcome: lastRun.outcome,
                  })
                : t('today.migration.noRuns')}
            </Text>
            <Text c="dimmed">
              {t('today.migration.issues', {
                count: status.stages.reduce((sum, s) => sum + s.issues, 0),
              })}
            </Text>
          </Group>
          <Table.ScrollContainer minWidth={720}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('today.migration.stage')}</Table.Th>
                  <Table.Th>{t('today.migration.status')}</Table.Th>
                  <Table.Th>{t('today.migration.partitions')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.read')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.written')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.unchanged')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.skipped')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.lag')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.stages.map((stage) => (
                  <Table.Tr key={stage.stage}>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {stage.stage}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color={STATUS_COLOR[stage.status]}>
                        {t(`migrationStatus.${stage.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {stage.partitions.total > 0 ? (
                        <Group gap="xs" wrap="nowrap">
                          <Progress
                            w={80}
                            value={(100 * stage.partitions.done) / stage.partitions.total}
                            aria-label={`${stage.stage} ${stage.partitions.done}/${stage.partitions.total}`}
                          />
                          <Text size="sm">
                            {stage.partitions.done}/{stage.partitions.total}
                          </Text>
                        </Group>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.counts.read)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.counts.written)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.counts.unchanged)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.counts.skipped)}</Table.Td>
                    <Table.Td ta="right">
                      {stage.lagSeconds === null
                        ? '—'
                        : t('today.migration.lagMinutes', {
                            value: formatNumber(Math.round(stage.lagSeconds / 60)),
                          })}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
