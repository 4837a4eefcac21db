import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import type { components } from '../api/schema.js';
import { formatDate, formatDateTime, formatNumber, formatWon } from '../format.js';
import { currentLanguage } from '../i18n/i18n.js';
import { problemMessage } from '../i18n/messages.js';
import { QueryState } from '../today/query-state.js';
import { ShiftAssignments } from './shift-assignments.js';

type Failure = components['schemas']['RuleFailure'];

/** A shift id (ObjectId) and a member id, as the API's routes take them. */
const SHIFT_ID = /^[0-9a-f]{24}$/;
const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A failure's message in the console's language (the API sends Korean and English). */
function messageOf(failure: Failure): string {
  return currentLanguage() === 'en' ? failure.message.en : failure.message.ko;
}

/** The weeks of a weekly-hours failure, for its chart: `{ weekStart, hours }`. */
function weeksOf(failure: Failure): { week: string; hours: number }[] | undefined {
  const weeks = failure.data.weeks;
  if (!Array.isArray(weeks)) return undefined;
  return weeks.flatMap((entry: unknown) => {
    const { weekStart, hours } = (entry ?? {}) as { weekStart?: unknown; hours?: unknown };
    return typeof weekStart === 'string' && typeof hours === 'number'
      ? [{ week: formatDate(weekStart), hours }]
      : [];
  });
}

/** One failing rule: its Korean (or English) sentence, its data, and for weekly hours a chart. */
function FailureCard({ failure }: { failure: Failure }) {
  const { t } = useTranslation();
  const weeks = weeksOf(failure);
  const limit = typeof failure.data.maxHours === 'number' ? failure.data.maxHours : undefined;
  const { weeks: _weeks, ...rest } = failure.data;
  return (
    <Card withBorder padding="sm">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600}>{messageOf(failure)}</Text>
          <Code>{failure.code}</Code>
        </Group>
        {Object.keys(rest).length > 0 && (
          <Text size="sm" c="dimmed" ff="monospace">
            {JSON.stringify(rest)}
          </Text>
        )}
        {weeks && weeks.length > 0 && (
          <BarChart
            h={160}
            data={weeks}
            dataKey="week"
            series={[{ name: 'hours', label: t('eligibility.weekHours'), color: 'red.9' }]}
            referenceLines={
              limit === undefined
                ? []
                : [{ y: limit, label: t('eligibility.limit', { hours: limit }), color: 'gray.8' }]
            }
            valueFormatter={(value) => t('unit.hours', { value: formatNumber(value) })}
            aria-label={t('eligibility.weeksChart')}
          />
        )}
      </Stack>
    </Card>
  );
}

/**
 * Shifts and eligibility: a shift with its applications and assignments; whether a worker may be
 * assigned to it now and, when not, every failing rule with its data (hours per KST week against
 * the limit, drawn); and workers ranked for the shift. What is shown is in the address
 * (`?shift=…&worker=…`), so Today links a shift here and a link can be passed on.
 */
export default function EligibilityPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const askedShift = params.get('shift') ?? '';
  const askedWorker = params.get('worker') ?? '';
  const asked = SHIFT_ID.test(askedShift)
    ? {
        shiftId: askedShift,
        workerId: MEMBER_ID.test(askedWorker) ? askedWorker : undefined,
      }
    : undefined;
  const [shiftId, setShiftId] = useState(askedShift);
  const [workerId, setWorkerId] = useState(askedWorker);
  const [candidatesText, setCandidatesText] = useState('');
  const shiftOk = SHIFT_ID.test(shiftId.trim());
  const workerOk = workerId.trim() === '' || MEMBER_ID.test(workerId.trim());
  const ask = (next: { shiftId: string; workerId?: string | undefined }) => {
    setShiftId(next.shiftId);
    setWorkerId(next.workerId ?? '');
    setParams({ shift: next.shiftId, ...(next.workerId ? { worker: next.workerId } : {}) });
  };

  const shift = useQuery({
    queryKey: ['shift', asked?.shiftId],
    enabled: asked !== undefined,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/shifts/{id}', { params: { path: { id: asked!.shiftId } }, signal })),
  });
  const verdict = useQuery({
    queryKey: ['eligibility', asked?.shiftId, asked?.workerId],
    enabled: asked?.workerId !== undefined,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/shifts/{id}/eligibility/{workerId}', {
          params: { path: { id: asked!.shiftId, workerId: asked!.workerId! } },
          signal,
        }),
      ),
  });
  const candidates = useMutation({
    mutationFn: (workerIds: string[]) =>
      unwrap(
        api.POST('/shifts/{id}/candidates', {
          params: { path: { id: asked!.shiftId } },
          body: { workerIds },
        }),
      ),
  });
  const candidateIds = candidatesText
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter(Boolean);
  const shiftView = shift.data && 'filled' in shift.data ? shift.data : undefined;

  return (
    <Stack gap="lg">
      <Title order={2}>{t('eligibility.title')}</Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (shiftOk && workerOk) {
            ask({ shiftId: shiftId.trim(), workerId: workerId.trim() || undefined });
          }
        }}
        noValidate
      >
        <Group align="flex-start">
          <TextInput
            label={t('eligibility.shiftId')}
            value={shiftId}
            required
            error={shiftId && !shiftOk ? t('eligibility.badShiftId') : undefined}
            onChange={(event) => setShiftId(event.currentTarget.value)}
          />
          <TextInput
            label={t('eligibility.workerId')}
            description={t('eligibility.workerIdHelp')}
            value={workerId}
            error={workerId && !workerOk ? t('eligibility.badWorkerId') : undefined}
            onChange={(event) => setWorkerId(event.currentTarget.value)}
          />
          <Button type="submit" mt={24} disabled={!shiftOk || !workerOk}>
            {t('eligibility.show')}
          </Button>
        </Group>
      </form>

      {asked && <QueryState query={shift} />}
      {shiftView && (
        <Card withBorder padding="sm">
          <Text fw={600}>{shiftView.title}</Text>
          <Text size="sm">
            {formatDateTime(shiftView.startsAt)} – {formatDateTime(shiftView.endsAt)} ·{' '}
            {shiftView.place.address}
          </Text>
          <Text size="sm" c="dimmed">
            {t('eligibility.shiftSummary', {
              filled: shiftView.filled,
              headcount: shiftView.headcount,
              pay: formatWon(shiftView.hourlyPayKrw),
            })}
          </Text>
        </Card>
      )}
      {asked?.workerId && <QueryState query={verdict} />}
      {verdict.data && (
        <Stack component="section" aria-labelledby="verdict" gap="xs">
          <Group>
            <Title order={3} id="verdict">
              {t('eligibility.verdict')}
            </Title>
            <Badge color={verdict.data.eligible ? 'teal.9' : 'red.9'} variant="outline">
              {t(verdict.data.eligible ? 'eligibility.eligible' : 'eligibility.ineligible')}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {t('eligibility.ruleSet', {
              version: verdict.data.ruleSetVersion,
              time: formatDateTime(verdict.data.evaluatedAt),
            })}
          </Text>
          {verdict.data.failures.map((failure) => (
            <FailureCard key={failure.code} failure={failure} />
          ))}
        </Stack>
      )}

      {asked && (
        <ShiftAssignments
          shiftId={asked.shiftId}
          onExplain={(id) => ask({ shiftId: asked.shiftId, workerId: id })}
          onRank={(ids) => {
            setCandidatesText(ids.join('\n'));
            candidates.mutate(ids);
          }}
        />
      )}
      {asked && (
        <Stack component="section" aria-labelledby="candidates" gap="xs">
          <Title order={3} id="candidates">
            {t('eligibility.candidates')}
          </Title>
          <Textarea
            label={t('eligibility.candidateIds')}
            description={t('eligibility.candidateIdsHelp')}
            autosize
            minRows={2}
            value={candidatesText}
            onChange={(event) => setCandidatesText(event.currentTarget.value)}
          />
          <Group>
            <Button
              variant="default"
              disabled={candidateIds.length === 0 || candidateIds.length > 1000}
              loading={candidates.isPending}
              onClick={() => candidates.mutate(candidateIds)}
            >
              {t('eligibility.rank')}
            </Button>
          </Group>
          {candidates.isError && (
            <Alert color="red" role="alert">
              {problemMessage(t, candidates.error)}
            </Alert>
          )}
          {candidates.data && (
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('eligibility.columns.rank')}</Table.Th>
                  <Table.Th>{t('eligibility.columns.worker')}</Table.Th>
                  <Table.Th>{t('eligibility.columns.detail')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {candidates.data.eligible.map((c) => (
                  <Table.Tr key={c.workerId}>
                    <Table.Td>{c.rank}</Table.Td>
                    <Table.Td>{c.workerId}</Table.Td>
                    <Table.Td>
                      {t('eligibility.rankDetail', {
                        hours: formatNumber(c.weekHours),
                        noShows: c.noShows,
                      })}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {candidates.data.ineligible.map((c) => (
                  <Table.Tr key={c.workerId}>
                    <Table.Td>—</Table.Td>
                    <Table.Td>{c.workerId}</Table.Td>
                    <Table.Td>{c.failures.map(messageOf).join(' · ')}</Table.Td>
                  </Table.Tr>
                ))}
                {candidates.data.unknown.map((id) => (
                  <Table.Tr key={id}>
                    <Table.Td>—</Table.Td>
                    <Table.Td>{id}</Table.Td>
                    <Table.Td>{t('eligibility.unknownWorker')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Stack>
  );
}
