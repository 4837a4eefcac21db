import { Anchor, Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import { formatDateTime } from '../format.js';
import { QueryState } from './query-state.js';

/** Within this long of its start, a shift short of its headcount or unconfirmed is at risk. */
const RISK_WINDOW_MS = 6 * 3_600_000;

/** Today's shifts (KST): their fill, what is not confirmed yet, and which are at risk. */
export function DayShifts() {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['operator', 'day', 'shifts'],
    queryFn: ({ signal }) => unwrap(api.GET('/operator/day/shifts', { signal })),
  });
  // Risk is judged as of when the day was read (render stays pure).
  const now = query.dataUpdatedAt;
  const shifts = query.data?.shifts ?? [];
  return (
    <Stack component="section" aria-labelledby="day-shifts" gap="xs">
      <Title order={3} id="day-shifts">
        {t('today.shifts.title')}
      </Title>
      <QueryState query={query} />
      {query.isSuccess && shifts.length === 0 && <Text c="dimmed">{t('today.shifts.none')}</Text>}
      {shifts.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('today.shifts.starts')}</Table.Th>
              <Table.Th>{t('today.shifts.shift')}</Table.Th>
              <Table.Th>{t('today.shifts.fill')}</Table.Th>
              <Table.Th>{t('today.shifts.unconfirmed')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shifts.map((shift) => {
              const startsIn = Date.parse(shift.startsAt) - now;
              const atRisk =
                startsIn < RISK_WINDOW_MS &&
                startsIn > -RISK_WINDOW_MS &&
                (shift.filled < shift.headcount || shift.proposed > 0);
              return (
                <Table.Tr key={shift.id}>
                  <Table.Td>{formatDateTime(shift.startsAt)}</Table.Td>
                  <Table.Td>
                    {/* The shift's applicants and assignments, on the eligibility screen. */}
                    <Anchor component={Link} to={`/eligibility?shift=${shift.id}`}>
                      {shift.title}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {shift.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {shift.filled}/{shift.headcount}
                  </Table.Td>
                  <Table.Td>
                    {t('today.shifts.waiting', {
                      applied: shift.applied,
                      proposed: shift.proposed,
                    })}
                  </Table.Td>
                  <Table.Td>
                    {atRisk && (
                      <Badge color="red.9" variant="outline">
                        {t('today.shifts.atRisk')}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
