import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema.js';
import { formatDateTime } from '../format.js';
import { problemMessage } from '../i18n/messages.js';
import { QueryState } from '../today/query-state.js';
import { NtsCheckButtons } from './nts-check.js';
import { DecisionModal, type DecisionAction, type DecisionTarget } from './decision-modal.js';
import { businessQueue, openEvidence, workerQueue, type QueueKind } from './queues.js';
import { MoreButton } from '../shell/form-parts.js';

type WorkerItem = components['schemas']['WorkerReviewPage']['items'][number];
type BusinessItem = components['schemas']['BusinessReviewPage']['items'][number];

/** One row of a queue: when, who, what, the evidence, and the two decisions. */
interface Row {
  key: string;
  since: string;
  who: ReactNode;
  what: ReactNode;
  evidenceFileId: string | null;
  target: DecisionTarget;
}

/**
 * The verification queue: workers' bank accounts and qualifications, and businesses'
 * registrations, waiting for an operator, oldest first. Approve or refuse each with what was
 * checked; the request leaves the queue.
 */
export default function VerificationPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<QueueKind>('bank_account');
  const [deciding, setDeciding] = useState<{ target: DecisionTarget; action: DecisionAction }>();
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  return (
    <Stack gap="lg">
      <Title order={2}>{t('verification.title')}</Title>
      {notice && (
        <Alert color="teal" role="status" withCloseButton onClose={() => setNotice(undefined)}>
          {notice}
        </Alert>
      )}
      {failure && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setFailure(undefined)}>
          {failure}
        </Alert>
      )}
      <Tabs
        value={tab}
        onChange={(value) => value && setTab(value as QueueKind)}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="bank_account">{t('verification.tabs.bank_account')}</Tabs.Tab>
          <Tabs.Tab value="qualification">{t('verification.tabs.qualification')}</Tabs.Tab>
          <Tabs.Tab value="business">{t('verification.tabs.business')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="bank_account" pt="md">
          <WorkerQueue
            kind="bank_account"
            onDecide={(target, action) => setDeciding({ target, action })}
          />
        </Tabs.Panel>
        <Tabs.Panel value="qualification" pt="md">
          <WorkerQueue
            kind="qualification"
            onDecide={(target, action) => setDeciding({ target, action })}
          />
        </Tabs.Panel>
        <Tabs.Panel value="business" pt="md">
          <BusinessQueue
            onDecide={(target, action) => setDeciding({ target, action })}
            onChecked={(message, failed) => {
              setNotice(failed ? undefined : message);
              setFailure(failed ? message : undefined);
            }}
          />
        </Tabs.Panel>
      </Tabs>
      {deciding && (
        <DecisionModal
          target={deciding.target}
          action={deciding.action}
          onClose={() => setDeciding(undefined)}
          onDecided={setNotice}
        />
      )}
    </Stack>
  );
}

type OnDecide = (target: DecisionTarget, action: DecisionAction) => void;

function WorkerQueue({
  kind,
  onDecide,
}: {
  kind: 'bank_account' | 'qualification';
  onDecide: OnDecide;
}) {
  const { t } = useTranslation();
  const query = useInfiniteQuery(workerQueue(kind));
  const rows: Row[] = (query.data?.pages ?? []).flatMap((page) =>
    page.items.flatMap((item: WorkerItem): Row[] => {
      const who = (
        <Stack gap={0}>
          <Text fw={600}>{item.legalName ?? t('verification.noName')}</Text>
          <Text size="xs" c="dimmed">
            {item.workerId}
          </Text>
        </Stack>
      );
      const label = `${item.legalName ?? item.workerId}`;
      if (kind === 'bank_account') {
        const account = item.bankAccount;
        return [
          {
            key: item.workerId,
            since: item.since,
            who,
            what: account ? (
              <Stack gap={2}>
                <Text size="sm">{t('verification.bank', { code: account.bankCode })}</Text>
                <Badge
                  color={account.holderMatchesLegalName ? 'teal.9' : 'red.9'}
                  variant="outline"
                >
                  {t(
                    account.holderMatchesLegalName
                      ? 'verification.holderSame'
                      : 'verification.holderDiffers',
                  )}
                </Badge>
                {account.lastCheck && (
                  <Text size="xs" c="dimmed">
                    {t('verification.lastCheck', {
                      message: account.lastCheck.resultMessage,
                      time: formatDateTime(account.lastCheck.at),
                    })}
                  </Text>
                )}
              </Stack>
            ) : null,
            evidenceFileId: null,
            target: {
              kind: 'bank_account',
              workerId: item.workerId,
              label,
              holderMatches: account?.holderMatchesLegalName ?? false,
            },
          },
        ];
      }
      return item.qualifications.map((q) => ({
        key: `${item.workerId}:${q.code}`,
        since: q.addedAt,
        who,
        what: <Text size="sm">{t('verification.qualification', { code: q.code })}</Text>,
        evidenceFileId: q.certificateFileId,
        target: {
          kind: 'qualification',
          workerId: item.workerId,
          code: q.code,
          label: `${label} · ${q.code}`,
        },
      }));
    }),
  );
  return <QueueTable query={query} rows={rows} onDecide={onDecide} />;
}

function BusinessQueue({
  onDecide,
  onChecked,
}: {
  onDecide: OnDecide;
  onChecked: (message: string, failed: boolean) => void;
}) {
  const { t } = useTranslation();
  const query = useInfiniteQuery(businessQueue);
  const rows: Row[] = (query.data?.pages ?? []).flatMap((page) =>
    page.items.map((item: BusinessItem) => ({
      key: item.businessId,
      since: item.since,
      who: (
        <Stack gap={0}>
          <Text fw={600}>{item.name}</Text>
          <Text size="xs" c="dimmed">
            {item.businessNumber} · {item.representativeName}
          </Text>
        </Stack>
      ),
      what: (
        <Stack gap={4}>
          <Text size="sm">
            {item.ntsStatus
              ? t('verification.nts', {
                  status: t(`nts.${item.ntsStatus.status}`),
                  time: formatDateTime(item.ntsStatus.checkedAt),
                })
              : t('verification.ntsUnknown')}
          </Text>
          <NtsCheckButtons businessId={item.businessId} label={item.name} onDone={onChecked} />
        </Stack>
      ),
      evidenceFileId: item.registrationCertificateFileId,
      target: { kind: 'business', businessId: item.businessId, label: item.name },
    })),
  );
  return <QueueTable query={query} rows={rows} onDecide={onDecide} />;
}

function QueueTable({
  query,
  rows,
  onDecide,
}: {
  query: UseInfiniteQueryResult<unknown>;
  rows: Row[];
  onDecide: OnDecide;
}) {
  const { t } = useTranslation();
  const [evidenceError, setEvidenceError] = useState<string>();
  if (query.isPending || query.isError) return <QueryState query={query} />;
  if (rows.length === 0) return <Text c="dimmed">{t('verification.empty')}</Text>;
  return (
    <Stack>
      {evidenceError && (
        <Alert color="red" role="alert">
          {evidenceError}
        </Alert>
      )}
      <Table striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('verification.columns.since')}</Table.Th>
            <Table.Th>{t('verification.columns.who')}</Table.Th>
            <Table.Th>{t('verification.columns.what')}</Table.Th>
            <Table.Th>{t('verification.columns.evidence')}</Table.Th>
            <Table.Th>{t('verification.columns.decision')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.key}>
              <Table.Td>{formatDateTime(row.since)}</Table.Td>
              <Table.Td>{row.who}</Table.Td>
              <Table.Td>{row.what}</Table.Td>
              <Table.Td>
                {row.evidenceFileId ? (
                  <Anchor
                    component="button"
                    type="button"
                    onClick={() =>
                      openEvidence(row.evidenceFileId!).catch((error: unknown) =>
                        setEvidenceError(problemMessage(t, error)),
                      )
                    }
                  >
                    {t('verification.openEvidence')}
                  </Anchor>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('verification.noEvidence')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button
                    size="xs"
                    color="teal.9"
                    aria-label={t('verification.verifyTitle', { target: row.target.label })}
                    onClick={() => onDecide(row.target, 'verify')}
                  >
                    {t('verification.verify')}
                  </Button>
                  <Button
                    size="xs"
                    color="red.9"
                    variant="outline"
                    aria-label={t('verification.revokeTitle', { target: row.target.label })}
                    onClick={() => onDecide(row.target, 'revoke')}
                  >
                    {t('verification.revoke')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <MoreButton query={query} label={t('verification.more')} />
    </Stack>
  );
}
