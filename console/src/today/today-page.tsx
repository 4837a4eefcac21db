import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../format.js';
import { useSession } from '../session/session.js';
import { MigrationProgress } from './migration-progress.js';
import { MonthlyHeadline } from './monthly-headline.js';

/**
 * The first screen: what the API serves today. The latest month's headline figures for everyone,
 * the Firestore migration's progress for admins (the route is theirs alone).
 */
export function TodayPage() {
  const { t } = useTranslation();
  const session = useSession();
  const isAdmin = session.status === 'signed-in' && session.staff.role === 'admin';
  return (
    <Stack gap="xl">
      <div>
        <Title order={2}>{t('today.title')}</Title>
        <Text c="dimmed">{formatDate(new Date())}</Text>
      </div>
      <MonthlyHeadline />
      {isAdmin && <MigrationProgress />}
    </Stack>
  );
}
