import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import {
  BUSINESS_REVEALABLE,
  BusinessRevealRequest,
  BusinessSearch,
} from '../api/decision-schemas.js';
import { unwrap } from '../api/problem.js';
import type { components } from '../api/schema.js';
import { formatDate, formatDateTime } from '../format.js';
import { formErrors, problemMessage } from '../i18n/messages.js';
import { NtsCheckButtons } from '../verification/nts-check.js';
import { RevealFieldsModal } from './reveal-fields-modal.js';
import {
  DecisionModal,
  type DecisionAction,
  type DecisionTarget,
} from '../verification/decision-modal.js';

type Business = components['schemas']['StaffBusiness'];

/**
 * A business found by its registration number, written any way (the API matches the number's
 * blind index; the number goes in a body, never a URL), masked, with its NTS status, its
 * verification and their history; verify or revoke it with the evidence.
 */
export function BusinessSearchSection() {
  const { t } = useTranslation();
  const [number, setNumber] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { businessNumber: '' },
    validate: (values) => formErrors(t, BusinessSearch.safeParse(values)),
  });
  const search = useQuery({
    queryKey: ['operator', 'businesses', 'search', number],
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/operator/businesses/search', { body: { businessNumber: number! }, signal }),
      ),
    enabled: number !== undefined,
    // Each search is an access record: read again only when asked.
    staleTime: Infinity,
    retry: false,
  });
  const found = search.data?.items ?? [];
  return (
    <Stack component="section" aria-labelledby="business-search" gap="sm">
      <Title order={3} id="business-search">
        {t('businesses.title')}
      </Title>
      <form
        onSubmit={form.onSubmit((values) => {
          setNotice(undefined);
          setNumber(values.businessNumber.trim());
        })}
        noValidate
      >
        <Group align="flex-start">
          <TextInput
            label={t('businesses.number')}
            description={t('businesses.numberHelp')}
            key={form.key('businessNumber')}
            {...form.getInputProps('businessNumber')}
          />
          <Button type="submit" mt={24} loading={search.isFetching}>
            {t('businesses.search')}
          </Button>
        </Group>
      </form>
      {search.isError && (
        <Alert color="red" role="alert">
          {problemMessage(t, search.error)}
        </Alert>
      )}
      {notice && (
        <Alert color="teal" role="status">
          {notice}
        </Alert>
      )}
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
      {search.isSuccess && found.length === 0 && <Text c="dimmed">{t('businesses.none')}</Text>}
      {found.map((business) => (
        <BusinessCard
          key={business.id}
          business={business}
          onDecided={(message) => {
            setNotice(message);
            setFailure(undefined);
          }}
          onChecked={(message, failed) => {
            setNotice(failed ? undefined : message);
            setFailure(failed ? message : undefined);
          }}
        />
      ))}
    </Stack>
  );
}

function BusinessCard({
  business,
  onDecided,
  onChecked,
}: {
  business: Business;
  onDecided: (message: string) => void;
  onChecked: (message: string, failed: boolean) => void;
}) {
  const { t } = useTranslation();
  const [deciding, setDeciding] = useState<DecisionAction>();
  const [revealing, setRevealing] = useState(false);
  const target: DecisionTarget = {
    kind: 'business',
    businessId: business.id,
    label: business.name,
  };
  const verified = business.verification.verified;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <div>
            <Text fw={700}>{business.name}</Text>
            <Text size="sm" ff="monospace">
              {business.businessNumber ?? '—'} · {business.representativeName ?? '—'}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {business.id}
            </Text>
          </div>
          <Group gap="xs">
            <Badge color={verified ? 'teal.9' : 'gray.8'} variant="outline">
              {verified ? t('businesses.verified') : t('businesses.notVerified')}
            </Badge>
            {business.ntsStatus && (
              <Badge
                color={business.ntsStatus.status === 'active' ? 'teal.9' : 'red.9'}
                variant="outline"
              >
                {t(`nts.${business.ntsStatus.status}`)}
              </Badge>
            )}
          </Group>
        </Group>
        <Text size="sm">
          {t('businesses.opened', { date: formatDate(business.openingDate) })} ·{' '}
          {t('businesses.registered', { time: formatDateTime(business.createdAt) })} ·{' '}
          {t('businesses.staff', { count: business.staff.length })}
          {business.ntsStatus &&
            ` · ${t('businesses.ntsCheckedAt', { time: formatDate(business.ntsStatus.checkedAt) })}`}
        </Text>
        {business.history.length > 0 && (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('businesses.history.at')}</Table.Th>
                <Table.Th>{t('businesses.history.action')}</Table.Th>
                <Table.Th>{t('businesses.history.by')}</Table.Th>
                <Table.Th>{t('businesses.history.evidence')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {business.history.map((event) => (
                <Table.Tr key={`${event.at}-${event.action}`}>
                  <Table.Td>{formatDateTime(event.at)}</Table.Td>
                  <Table.Td>{t(`businesses.actions.${event.action}`)}</Table.Td>
                  <Table.Td ff="monospace">{event.by}</Table.Td>
                  <Table.Td>{event.evidence}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="flex-end" gap="xs">
          <Button
            size="xs"
            variant="default"
            aria-label={t('reveal.openFor', { target: business.name })}
            onClick={() => setRevealing(true)}
          >
            {t('reveal.open')}
          </Button>
          <NtsCheckButtons businessId={business.id} label={business.name} onDone={onChecked} />
          {!verified && (
            <Button size="xs" color="teal.9" onClick={() => setDeciding('verify')}>
              {t('verification.verify')}
            </Button>
          )}
          <Button size="xs" color="red.9" variant="outline" onClick={() => setDeciding('revoke')}>
            {verified ? t('businesses.revoke') : t('verification.revoke')}
          </Button>
        </Group>
      </Stack>
      {revealing && (
        <RevealFieldsModal
          title={t('reveal.title', { target: business.name })}
          fields={[
            ...BUSINESS_REVEALABLE.map((name) => ({ name, label: t(`reveal.business.${name}`) })),
            { name: 'notes' as const, label: t('reveal.notes') },
          ]}
          schema={BusinessRevealRequest}
          reveal={(body) =>
            unwrap(
              api.POST('/operator/businesses/{id}/reveal', {
                params: { path: { id: business.id } },
                body,
              }),
            )
          }
          onClose={() => setRevealing(false)}
        />
      )}
      {deciding && (
        <DecisionModal
          target={target}
          action={deciding}
          onClose={() => setDeciding(undefined)}
          onDecided={onDecided}
        />
      )}
    </Card>
  );
}
