import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { MemberSearch, RevealRequest } from '../api/decision-schemas.js';
import { unwrap } from '../api/problem.js';
import type { components } from '../api/schema.js';
import { formatDateTime, formatPhone } from '../format.js';
import { formErrors, problemMessage } from '../i18n/messages.js';
import { useSession } from '../session/session.js';
import { BlockModal } from './block-modal.js';
import { BusinessSearchSection } from './business-search.js';
import { WorkerDrawer } from './worker-drawer.js';

type Member = components['schemas']['MemberSummary'];
type Role = Member['role'];
const ROLES: readonly Role[] = ['worker', 'business', 'operator', 'admin'];

interface SearchValues {
  email: string;
  phone: string;
  role: string | null;
}

/** The search body the API's schema reads: only the fields given. */
function searchBody(values: SearchValues) {
  return MemberSearch.safeParse({
    ...(values.email.trim() ? { email: values.email.trim() } : {}),
    ...(values.phone.trim() ? { phone: values.phone.trim() } : {}),
    ...(values.role ? { role: values.role } : {}),
  });
}

/**
 * Members: find one by email or phone (any format: the API matches blind indexes), masked; reveal
 * a field for a stated reason (the API records the access before it answers); block an account
 * or lift the block, for a reason. Businesses: find one by its registration number.
 */
export default function MembersPage() {
  const { t } = useTranslation();
  const [revealing, setRevealing] = useState<Member>();
  const [opened, setOpened] = useState<string>();
  const [blocking, setBlocking] = useState<Member>();
  /** Members changed since the search (a block or its lifting), by id. */
  const [changed, setChanged] = useState<Record<string, Member>>({});
  const session = useSession();
  const staff = session.status === 'signed-in' ? session.staff : undefined;
  /** The API leaves staff accounts to admins, and no one blocks themselves. */
  const mayBlock = (member: Member) =>
    member.id !== staff?.id &&
    member.status === 'active' &&
    (staff?.role === 'admin' || member.role === 'worker' || member.role === 'business');
  const form = useForm<SearchValues>({
    mode: 'uncontrolled',
    initialValues: { email: '', phone: '', role: null },
    validate: (values) => formErrors(t, searchBody(values)),
  });
  const search = useMutation({
    mutationFn: (values: SearchValues) => {
      const parsed = searchBody(values);
      if (!parsed.success) throw parsed.error;
      return unwrap(api.POST('/operator/members/search', { body: parsed.data }));
    },
  });
  const members = (search.data?.items ?? []).map((member) => changed[member.id] ?? member);
  return (
    <Stack gap="lg">
      <Title order={2}>{t('members.title')}</Title>
      <form onSubmit={form.onSubmit((values) => search.mutate(values))} noValidate>
        <Group align="flex-start">
          <TextInput
            label={t('members.email')}
            type="email"
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <TextInput
            label={t('members.phone')}
            description={t('members.phoneHelp')}
            key={form.key('phone')}
            {...form.getInputProps('phone')}
          />
          <Select
            label={t('members.role')}
            data={ROLES.map((role) => ({ value: role, label: t(`members.roles.${role}`) }))}
            clearable
            key={form.key('role')}
            {...form.getInputProps('role')}
          />
          <Button type="submit" mt={24} loading={search.isPending}>
            {t('members.search')}
          </Button>
        </Group>
      </form>
      {search.isError && (
        <Alert color="red" role="alert">
          {problemMessage(t, search.error)}
        </Alert>
      )}
      {search.isSuccess && members.length === 0 && <Text c="dimmed">{t('members.none')}</Text>}
      {members.length > 0 && (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('members.columns.id')}</Table.Th>
              <Table.Th>{t('members.columns.role')}</Table.Th>
              <Table.Th>{t('members.columns.email')}</Table.Th>
              <Table.Th>{t('members.columns.phone')}</Table.Th>
              <Table.Th>{t('members.columns.joined')}</Table.Th>
              <Table.Th>{t('members.columns.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((member) => (
              <Table.Tr key={member.id}>
                <Table.Td>
                  {member.id}
                  {member.status === 'withdrawn' && (
                    <Badge ml="xs" color="gray.8" variant="outline">
                      {t('members.withdrawn')}
                    </Badge>
                  )}
                  {member.blocked && (
                    <Badge ml="xs" color="red.9" variant="outline">
                      {t('members.blocked', { time: formatDateTime(member.blocked.at) })}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{t(`members.roles.${member.role}`)}</Table.Td>
                <Table.Td>{member.email ?? '—'}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{member.phone ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(member.createdAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={t('members.revealFor', { id: member.id })}
                      onClick={() => setRevealing(member)}
                    >
                      {t('members.reveal')}
                    </Button>
                    {mayBlock(member) && (
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={t(member.blocked ? 'members.unblockFor' : 'members.blockFor', {
                          id: member.id,
                        })}
                        onClick={() => setBlocking(member)}
                      >
                        {t(member.blocked ? 'members.unblock' : 'members.block')}
                      </Button>
                    )}
                    {member.role === 'worker' && (
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={t('members.workerFor', { id: member.id })}
                        onClick={() => setOpened(member.id)}
                      >
                        {t('members.worker')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {revealing && <RevealModal member={revealing} onClose={() => setRevealing(undefined)} />}
      {opened && <WorkerDrawer workerId={opened} onClose={() => setOpened(undefined)} />}
      {blocking && (
        <BlockModal
          member={blocking}
          onClose={() => setBlocking(undefined)}
          onChanged={(member) => setChanged((known) => ({ ...known, [member.id]: member }))}
        />
      )}
      <BusinessSearchSection />
    </Stack>
  );
}

interface RevealValues {
  email: boolean;
  phone: boolean;
  reason: string;
}

function revealBody(values: RevealValues) {
  return RevealRequest.safeParse({
    fields: [
      ...(values.email ? ['email' as const] : []),
      ...(values.phone ? ['phone' as const] : []),
    ],
    reason: values.reason.trim(),
  });
}

/** One member's raw email or phone, for a reason the access record keeps. */
function RevealModal({ member, onClose }: { member: Member; onClose: () => void }) {
  const { t } = useTranslation();
  const form = useForm<RevealValues>({
    mode: 'uncontrolled',
    initialValues: { email: false, phone: true, reason: '' },
    validate: (values) => formErrors(t, revealBody(values)),
  });
  const reveal = useMutation({
    mutationFn: (values: RevealValues) => {
      const parsed = revealBody(values);
      if (!parsed.success) throw parsed.error;
      return unwrap(
        api.POST('/operator/members/{id}/reveal', {
          params: { path: { id: member.id } },
          body: parsed.data,
        }),
      );
    },
  });
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('app.close') }}
      opened
      onClose={onClose}
      title={t('members.revealTitle', { id: member.id })}
      centered
    >
      {reveal.data ? (
        <Stack>
          <Alert color="blue" role="status">
            {t('members.recorded')}
          </Alert>
          {reveal.data.email !== undefined && (
            <Text>
              {t('members.email')}: <b>{reveal.data.email ?? '—'}</b>
            </Text>
          )}
          {reveal.data.phone !== undefined && (
            <Text>
              {t('members.phone')}:{' '}
              <b>{reveal.data.phone ? formatPhone(reveal.data.phone) : '—'}</b>
            </Text>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('members.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((values) => reveal.mutate(values))} noValidate>
          <Stack>
            {reveal.isError && (
              <Alert color="red" role="alert">
                {problemMessage(t, reveal.error)}
              </Alert>
            )}
            <Group>
              <Checkbox
                label={t('members.email')}
                key={form.key('email')}
                {...form.getInputProps('email', { type: 'checkbox' })}
              />
              <Checkbox
                label={t('members.phone')}
                key={form.key('phone')}
                {...form.getInputProps('phone', { type: 'checkbox' })}
              />
            </Group>
            {form.errors.fields && (
              <Text size="sm" c="red.9" role="alert">
                {form.errors.fields}
              </Text>
            )}
            <Textarea
              label={t('members.reason')}
              description={t('members.reasonHelp')}
              required
              autosize
              minRows={2}
              key={form.key('reason')}
              {...form.getInputProps('reason')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('verification.cancel')}
              </Button>
              <Button type="submit" color="red.9" loading={reveal.isPending}>
                {t('members.reveal')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
