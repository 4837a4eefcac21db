import { Alert, Button, Group, Loader, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../i18n/messages.js';

/** While a section's data loads, or why it failed (with a retry). */
export function QueryState({
  query,
}: {
  query: Pick<UseQueryResult<unknown>, 'isPending' | 'isError' | 'error' | 'refetch'>;
}) {
  const { t } = useTranslation();
  if (query.isPending)
    return (
      <Group gap="xs">
        <Loader size="sm" />
        <Text c="dimmed">{t('app.loading')}</Text>
      </Group>
    );
  if (query.isError)
    return (
      <Alert color="red" role="alert">
        <Group justify="space-between">
          <Text size="sm">{problemMessage(t, query.error)}</Text>
          <Button size="xs" variant="light" color="red" onClick={() => void query.refetch()}>
            {t('app.retry')}
          </Button>
        </Group>
      </Alert>
    );
  return null;
}
