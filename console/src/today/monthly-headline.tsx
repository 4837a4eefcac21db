import { Card, EmptyState, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { monthlyStatistics } from '../api/queries.js';
import type { components } from '../api/schema.js';
import {
  formatChange,
  formatDateTime,
  formatMonth,
  formatNumber,
  formatRate,
  formatWon,
} from '../format.js';
import { QueryState } from './query-state.js';

type Report = components['schemas']['MonthlyStatisticsReport'];
type HeadlineKey = keyof Report['headline'];

/**
 * How each headline figure reads (the API sends rates as fractions and money in won), in the
 * reports' order. Keyed by the API's own type: a figure it adds fails the typecheck here.
 */
const FIGURES: Record<HeadlineKey, 'count' | 'rate' | 'won' | 'hours'> = {
  signUps: 'count',
  identityVerified: 'count',
  bankAccountsVerified: 'count',
  businessesVerified: 'count',
  shiftsPosted: 'count',
  headcountOffered: 'count',
  headcountFilled: 'count',
  fillRate: 'rate',
  applications: 'count',
  assignmentsCompleted: 'count',
  noShowRate: 'rate',
  lateCancellationRate: 'rate',
  hoursWorked: 'hours',
  grossPayKrw: 'won',
  eligibilityRefusals: 'count',
};

/** `2026-01` → `2025-12`. */
function monthBefore(yearMonth: string): string {
  const [year = 0, month = 1] = yearMonth.split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** The latest month's headline figures, each against the month before when that has a report. */
export function MonthlyHeadline() {
  const { t } = useTranslation();
  const query = useQuery(monthlyStatistics);
  const [latest, before] = query.data?.reports ?? [];
  const previous = latest && before?.month === monthBefore(latest.month) ? before : undefined;

  const show = (key: HeadlineKey, value: number) => {
    switch (FIGURES[key]) {
      case 'rate':
        return formatRate(value);
      case 'won':
        return formatWon(value);
      case 'hours':
        return t('unit.hours', { value: formatNumber(value) });
      case 'count':
        return formatNumber(value);
    }
  };

  return (
    <Stack component="section" aria-labelledby="monthly-headline">
      <Title order={3} id="monthly-headline">
        {latest
          ? t('today.stats.title', { month: formatMonth(latest.month) })
          : t('today.stats.heading')}
      </Title>
      <QueryState query={query} />
      {query.isSuccess && !latest && (
        <EmptyState title={t('today.stats.none')} description={t('today.stats.noneDetail')} />
      )}
      {latest && (
        <>
          <Text size="sm" c="dimmed">
            {t('today.stats.generatedAt', { time: formatDateTime(latest.generatedAt) })}
          </Text>
          {latest.empty ? (
            <EmptyState title={t('today.stats.emptyMonth', { month: formatMonth(latest.month) })} />
          ) : (
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }}>
              {(Object.keys(FIGURES) as HeadlineKey[]).map((key) => {
                const value = latest.headline[key];
                if (value === undefined) return null;
                const past = previous?.headline[key];
                const change = past ? (value - past) / past : undefined;
                return (
                  <Card key={key} withBorder padding="md">
                    <Text size="sm" c="dimmed">
                      {t(`headline.${key}`)}
                    </Text>
                    <Text size="xl" fw={700}>
                      {show(key, value)}
                    </Text>
                    {change !== undefined && (
                      <Group gap={4}>
                        <Text size="xs" c="dimmed">
                          {t('today.stats.versusLastMonth', { change: formatChange(change) })}
                        </Text>
                      </Group>
                    )}
                  </Card>
                );
              })}
            </SimpleGrid>
          )}
        </>
      )}
    </Stack>
  );
}
