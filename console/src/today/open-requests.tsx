import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import { formatNumber } from '../format.js';

/** One page of a queue is enough to count what is open: more than a page reads `50+`. */
const PAGE = 50;

function useQueueCount(kind: 'bank_account' | 'qualification' | 'business') {
  return useQuery({
    queryKey: ['operator', 'review-queue', kind, 'count'],
    queryFn: async ({ signal }) => {
      const page =
        kind === 'business'
          ? await unwrap(
              api.GET('/operator/businesses/review-queue', {
                params: { query: { limit: PAGE } },
                signal,
              }),
            )
          : await unwrap(
              api.GET('/operator/workers/review-queue', {
                params: { query: { kind, limit: PAGE } },
                signal,
              }),
            );
      return { count: page.items.length, more: page.next !== null };
    },
  });
}

/** The open verification requests, by queue, each a way into the verification screen. */
export function OpenRequests() {
  const { t } = useTranslation();
  const queues = {
    bank_account: useQueueCount('bank_account'),
    qualification: useQueueCount('qualification'),
    business: useQueueCount('business'),
  } as const;
  return (
    <Stack component="section" aria-labelledby="open-requests" gap="xs">
      <Title order={3} id="open-requests">
        {t('today.requests.title')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {(Object.keys(queues) as (keyof typeof queues)[]).map((kind) => {
          const data = queues[kind].data;
          return (
            <Card key={kind} withBorder padding="md" component={Link} to="/verification">
              <Group justify="space-between">
                <Text size="sm" c="dimmed">
                  {t(`verification.tabs.${kind}`)}
                </Text>
                <Text size="xl" fw={700}>
                  {data ? `${formatNumber(data.count)}${data.more ? '+' : ''}` : '…'}
                </Text>
              </Group>
            </Card>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
