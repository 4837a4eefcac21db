import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../format.js';
import { useSession } from '../session/session.js';
import { DayShifts } from './day-shifts.js';
import { MigrationProgress } from './migration-progress.js';
import { MonthlyHeadline } from './monthly-headline.js';
import { OpenRequests } from './open-requests.js';
import { RecentAlerts } from './recent-alerts.js';

/**
 * The first screen: the open verification requests, today's shifts (fill, what is unconfirmed,
 * which are at risk), the alerts of the last 24 hours, the latest month's headline figures, and for admins the Firestore
 * migration's progress (the route is theirs alone).
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
      <OpenRequests />
      <DayShifts />
      <RecentAlerts />
      <MonthlyHeadline />
      {isAdmin && <MigrationProgress />}
    </Stack>
  );
}
