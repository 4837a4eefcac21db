import {
  Alert,
  Badge,
  Button,
  Drawer,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { StatusDecision, WORKER_REVEALABLE, WorkerRevealRequest } from '../api/decision-schemas.js';
import { unwrap } from '../api/problem.js';
import { formatDateTime } from '../format.js';
import { formErrors, problemMessage } from '../i18n/messages.js';
import { QueryState } from '../today/query-state.js';
import { DecisionModal, type DecisionAction } from '../verification/decision-modal.js';
import { RevealFieldsModal } from './reveal-fields-modal.js';

interface StatusValues {
  status: string | null;
  reason: string;
}

const statusBody = (values: StatusValues) =>
  StatusDecision.safeParse({ status: values.status ?? undefined, reason: values.reason.trim() });

/**
 * One worker for staff: masked, with the state of each verification, the history of every
 * decision (who, when, on what evidence, masked), identity verified or revoked by hand (a
 * document, the provider's console), and suspension or reactivation with the reason.
 * The read is an access record (the API writes it before answering).
 */
export function WorkerDrawer({ workerId, onClose }: { workerId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const worker = useQuery({
    queryKey: ['operator', 'workers', workerId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/operator/workers/{id}', { params: { path: { id: workerId } }, signal })),
  });
  const form = useForm<StatusValues>({
    mode: 'uncontrolled',
    initialValues: { status: null, reason: '' },
    validate: (values) => formErrors(t, statusBody(values)),
  });
  const decide = useMutation({
    mutationFn: (values: StatusValues) => {
      const parsed = statusBody(values);
      if (!parsed.success) throw parsed.error;
      return unwrap(
        api.POST('/operator/workers/{id}/status', {
          params: { path: { id: workerId } },
          body: parsed.data,
        }),
      );
    },
    onSuccess: (view) => {
      queryClient.setQueryData(['operator', 'workers', workerId], view);
      form.reset();
    },
  });
  const view = worker.data;
  const [identity, setIdentity] = useState<DecisionAction>();
  const [notice, setNotice] = useState<string>();
  const [revealing, setRevealing] = useState(false);
  return (
    <Drawer
      closeButtonProps={{ 'aria-label': t('app.close') }}
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={t('worker.title', { id: workerId })}
    >
      <Stack>
        <QueryState query={worker} />
        {view && (
          <>
            <Group>
              <Text fw={600}>{view.legalName ?? '—'}</Text>
              <Badge variant="outline" color={view.status === 'active' ? 'teal.9' : 'red.9'}>
                {t(`worker.status.${view.status}`)}
              </Badge>
            </Group>
            <Group gap="xs">
              <Badge variant="outline" color={view.identity.verified ? 'teal.9' : 'gray.8'}>
                {t(view.identity.verified ? 'worker.identityOk' : 'worker.identityNo')}
              </Badge>
              <Badge variant="outline" color={view.bankAccount?.verified ? 'teal.9' : 'gray.8'}>
                {t(view.bankAccount?.verified ? 'worker.bankOk' : 'worker.bankNo')}
              </Badge>
            </Group>
            {view.status !== 'withdrawn' && (
              <Group gap="xs">
                {/* By hand, when the provider could not: a document and the provider's console. */}
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setIdentity(view.identity.verified ? 'revoke' : 'verify')}
                >
                  {t(view.identity.verified ? 'worker.revokeIdentity' : 'worker.verifyIdentity')}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  aria-label={t('reveal.openFor', { target: workerId })}
                  onClick={() => setRevealing(true)}
                >
                  {t('reveal.open')}
                </Button>
              </Group>
            )}
            {notice && (
              <Alert color="teal" role="status">
                {notice}
              </Alert>
            )}
            <Title order={4}>{t('worker.history')}</Title>
            {view.history.length === 0 ? (
              <Text c="dimmed">{t('worker.noHistory')}</Text>
            ) : (
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('worker.columns.at')}</Table.Th>
                    <Table.Th>{t('worker.columns.what')}</Table.Th>
                    <Table.Th>{t('worker.columns.by')}</Table.Th>
                    <Table.Th>{t('worker.columns.evidence')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {view.history.map((event, index) => (
                    <Table.Tr key={`${event.at}:${index}`}>
                      <Table.Td>{formatDateTime(event.at)}</Table.Td>
                      <Table.Td>
                        {t(`worker.subjects.${event.subject}`)} ·{' '}
                        {t(`worker.actions.${event.action}`)}
                        {event.code ? ` (${event.code})` : ''}
                      </Table.Td>
                      <Table.Td>{event.by}</Table.Td>
                      <Table.Td>{event.evidence}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {view.status !== 'withdrawn' && (
              <form onSubmit={form.onSubmit((values) => decide.mutate(values))} noValidate>
                <Stack gap="xs">
                  <Title order={4}>{t('worker.changeStatus')}</Title>
                  {decide.isError && (
                    <Alert color="red" role="alert">
                      {problemMessage(t, decide.error)}
                    </Alert>
                  )}
                  <Select
                    label={t('worker.newStatus')}
                    required
                    data={[
                      { value: 'suspended', label: t('worker.status.suspended') },
                      { value: 'active', label: t('worker.status.active') },
                    ]}
                    key={form.key('status')}
                    {...form.getInputProps('status')}
                  />
                  <Textarea
                    label={t('worker.reason')}
                    required
                    autosize
                    minRows={2}
                    key={form.key('reason')}
                    {...form.getInputProps('reason')}
                  />
                  <Group justify="flex-end">
                    <Button type="submit" color="red.9" loading={decide.isPending}>
                      {t('worker.apply')}
                    </Button>
                  </Group>
                </Stack>
              </form>
            )}
          </>
        )}
      </Stack>
      {revealing && (
        <RevealFieldsModal
          title={t('reveal.title', { target: workerId })}
          fields={[
            ...WORKER_REVEALABLE.map((name) => ({ name, label: t(`reveal.worker.${name}`) })),
            { name: 'notes' as const, label: t('reveal.notes') },
          ]}
          schema={WorkerRevealRequest}
          reveal={(body) =>
            unwrap(
              api.POST('/operator/workers/{id}/reveal', {
                params: { path: { id: workerId } },
                body,
              }),
            )
          }
          onClose={() => setRevealing(false)}
        />
      )}
      {identity && (
        <DecisionModal
          target={{
            kind: 'identity',
            workerId,
            label: t('worker.identityLabel', { id: workerId }),
          }}
          action={identity}
          onClose={() => setIdentity(undefined)}
          onDecided={setNotice}
        />
      )}
    </Drawer>
  );
}
