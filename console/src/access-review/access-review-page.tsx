import { Alert, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import { formatDateTime, formatMonth, formatNumber } from '../format.js';
import { problemMessage } from '../i18n/messages.js';
import { QueryState } from '../today/query-state.js';
import { MoreButton } from '../shell/form-parts.js';

/** The KST month of now, `YYYY-MM`. */
function thisKstMonth(): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Seoul',
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The access review (admins): one KST month's access records (접속기록) — who did what to whose
 * data, and why — filtered by staff member or by data subject; the month's unusual accesses; and
 * the verification of the records' hash chain.
 */
export default function AccessReviewPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(thisKstMonth);
  const [filters, setFilters] = useState({ actorId: '', subjectId: '' });
  const [draft, setDraft] = useState(filters);
  const valid = (id: string) => id === '' || MEMBER_ID.test(id);

  const review = useQuery({
    queryKey: ['admin', 'access-review', month],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/admin/access-review', { params: { query: { month } }, signal })),
  });
  const records = useInfiniteQuery({
    queryKey: ['admin', 'access-records', month, filters],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/admin/access-records', {
          params: {
            query: {
              month,
              limit: 50,
              ...(filters.actorId ? { actorId: filters.actorId } : {}),
              ...(filters.subjectId ? { subjectId: filters.subjectId } : {}),
              ...(pageParam ? { before: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next ?? undefined,
  });
  const verify = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/access-records/verify')),
  });

  const items = records.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="lg">
      <Title order={2}>{t('accessReview.title')}</Title>
      <Group align="flex-end">
        <TextInput
          type="month"
          label={t('accessReview.month')}
          value={month}
          onChange={(event) => event.currentTarget.value && setMonth(event.currentTarget.value)}
        />
        <Button variant="default" loading={verify.isPending} onClick={() => verify.mutate()}>
          {t('accessReview.verifyChain')}
        </Button>
      </Group>
      {verify.isError && (
        <Alert color="red" role="alert">
          {problemMessage(t, verify.error)}
        </Alert>
      )}
      {verify.data && (
        <Alert color={verify.data.ok ? 'teal' : 'red'} role="status">
          {verify.data.ok
            ? t('accessReview.chainOk', { count: formatNumber(verify.data.checked) })
            : t('accessReview.chainBroken', {
                count: verify.data.problems.length + verify.data.unlistedProblems,
              })}
        </Alert>
      )}

      <Stack component="section" aria-labelledby="access-findings" gap="xs">
        <Title order={3} id="access-findings">
          {t('accessReview.findings', { month: formatMonth(month) })}
        </Title>
        <QueryState query={review} />
        {review.data && (
          <>
            <Text c="dimmed">
              {t('accessReview.summary', {
                records: formatNumber(review.data.records),
                actors: review.data.actors.length,
              })}
            </Text>
            {review.data.findings.length === 0 ? (
              <Text>{t('accessReview.noFindings')}</Text>
            ) : (
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('accessReview.columns.kind')}</Table.Th>
                    <Table.Th>{t('accessReview.columns.actor')}</Table.Th>
                    <Table.Th>{t('accessReview.columns.day')}</Table.Th>
                    <Table.Th>{t('accessReview.columns.count')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {review.data.findings.map((finding) => (
                    <Table.Tr
                      key={`${finding.kind}:${finding.actorId}:${finding.day}:${finding.seqs[0]}`}
                    >
                      <Table.Td>
                        <Badge color="red.9" variant="outline">
                          {t(`accessReview.kinds.${finding.kind}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{finding.actorId}</Table.Td>
                      <Table.Td>{finding.day}</Table.Td>
                      <Table.Td>{formatNumber(finding.count)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
      </Stack>

      <Stack component="section" aria-labelledby="access-records" gap="xs">
        <Title order={3} id="access-records">
          {t('accessReview.records')}
        </Title>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (valid(draft.actorId) && valid(draft.subjectId)) setFilters(draft);
          }}
        >
          <Group align="flex-end">
            <TextInput
              label={t('accessReview.actorId')}
              value={draft.actorId}
              error={valid(draft.actorId) ? undefined : t('accessReview.badId')}
              onChange={(event) =>
                setDraft({ ...draft, actorId: event.currentTarget.value.trim() })
              }
            />
            <TextInput
              label={t('accessReview.subjectId')}
              value={draft.subjectId}
              error={valid(draft.subjectId) ? undefined : t('accessReview.badId')}
              onChange={(event) =>
                setDraft({ ...draft, subjectId: event.currentTarget.value.trim() })
              }
            />
            <Button type="submit" variant="default">
              {t('accessReview.filter')}
            </Button>
          </Group>
        </form>
        <QueryState query={records} />
        {records.data && items.length === 0 && <Text c="dimmed">{t('accessReview.none')}</Text>}
        {items.length > 0 && (
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('accessReview.columns.at')}</Table.Th>
                <Table.Th>{t('accessReview.columns.actor')}</Table.Th>
                <Table.Th>{t('accessReview.columns.action')}</Table.Th>
                <Table.Th>{t('accessReview.columns.data')}</Table.Th>
                <Table.Th>{t('accessReview.columns.subjects')}</Table.Th>
                <Table.Th>{t('accessReview.columns.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((record) => (
                <Table.Tr key={record.seq}>
                  <Table.Td>{formatDateTime(record.at)}</Table.Td>
                  <Table.Td>
                    {record.actor.id}
                    <Text size="xs" c="dimmed">
                      {record.actor.role}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="outline"
                      color={record.action === 'reveal' ? 'red.9' : 'gray.8'}
                    >
                      {t(`accessReview.actions.${record.action}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {record.dataset}
                    {record.fields.length > 0 && (
                      <Text size="xs" c="dimmed">
                        {record.fields.join(', ')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {record.subjects.slice(0, 3).join(', ')}
                    {record.subjectCount > 3 &&
                      ` ${t('accessReview.andMore', { count: record.subjectCount - 3 })}`}
                  </Table.Td>
                  <Table.Td>{record.reason ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <MoreButton query={records} label={t('accessReview.more')} />
      </Stack>
    </Stack>
  );
}
