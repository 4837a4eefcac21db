import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import type { components } from '../api/schema.js';
import { formatDateTime } from '../format.js';
import { QueryState } from '../today/query-state.js';
import { MoreButton } from '../shell/form-parts.js';

type Assignment = components['schemas']['Assignment'];
type State = Assignment['state'];

/** States still in play (dark enough to pass contrast outlined), the others grey. */
const STATE_COLOR: Partial<Record<State, string>> = {
  applied: 'blue.9',
  proposed: 'orange.9',
  confirmed: 'teal.9',
  completed: 'teal.9',
  no_show: 'red.9',
};
/** The states that wait for someone: an answer to an application, a worker's acceptance. */
const WAITING: readonly State[] = ['applied', 'proposed'];

/**
 * A shift's applications and assignments, newest first (`GET /shifts/{id}/assignments`, a page
 * of 100 at a time): each worker's state, how it came (applied or proposed) and its last change;
 * explain one worker's verdict, or rank everyone still waiting.
 */
export function ShiftAssignments({
  shiftId,
  onExplain,
  onRank,
}: {
  shiftId: string;
  onExplain: (workerId: string) => void;
  onRank: (workerIds: string[]) => void;
}) {
  const { t } = useTranslation();
  const query = useInfiniteQuery({
    queryKey: ['shift', shiftId, 'assignments'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/shifts/{id}/assignments', {
          params: {
            path: { id: shiftId },
            query: { limit: '100', ...(pageParam ? { before: pageParam } : {}) },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const assignments = query.data?.pages.flatMap((page) => page.items) ?? [];
  const waiting = assignments.filter((a) => WAITING.includes(a.state)).map((a) => a.workerId);
  return (
    <Stack component="section" aria-labelledby="shift-assignments" gap="xs">
      <Title order={3} id="shift-assignments">
        {t('eligibility.assignments.title')}
      </Title>
      <QueryState query={query} />
      {query.isSuccess && assignments.length === 0 && (
        <Text c="dimmed">{t('eligibility.assignments.none')}</Text>
      )}
      {assignments.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('eligibility.columns.worker')}</Table.Th>
              <Table.Th>{t('eligibility.assignments.state')}</Table.Th>
              <Table.Th>{t('eligibility.assignments.origin')}</Table.Th>
              <Table.Th>{t('eligibility.assignments.changed')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {assignments.map((assignment) => (
              <Table.Tr key={assignment.id}>
                <Table.Td ff="monospace">{assignment.workerId}</Table.Td>
                <Table.Td>
                  <Badge color={STATE_COLOR[assignment.state] ?? 'gray.8'} variant="outline">
                    {t(`assignmentState.${assignment.state}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{t(`eligibility.assignments.origins.${assignment.origin}`)}</Table.Td>
                <Table.Td>
                  {formatDateTime(assignment.history.at(-1)?.at ?? assignment.startsAt)}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={t('eligibility.assignments.explainFor', {
                      id: assignment.workerId,
                    })}
                    onClick={() => onExplain(assignment.workerId)}
                  >
                    {t('eligibility.assignments.verdict')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group>
        <MoreButton query={query} label={t('verification.more')} />
        {waiting.length > 0 && (
          <Button variant="default" onClick={() => onRank(waiting)}>
            {t('eligibility.assignments.rankWaiting', { count: waiting.length })}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
