import {
  Alert,
  Badge,
  Button,
  Group,
  Select,
  Stack,
  Table,
  Text,
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
import { RevealFieldsModal } from './reveal-fields-modal.js';
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
      {revealing && (
        <RevealFieldsModal
          title={t('members.revealTitle', { id: revealing.id })}
          fields={[
            { name: 'email', label: t('members.email') },
            { name: 'phone', label: t('members.phone') },
          ]}
          picked={['phone']}
          schema={RevealRequest}
          reveal={(body) =>
            unwrap(
              api.POST('/operator/members/{id}/reveal', {
                params: { path: { id: revealing.id } },
                body,
              }),
            )
          }
          format={(field, value) =>
            field === 'phone' && typeof value === 'string' ? formatPhone(value) : String(value)
          }
          onClose={() => setRevealing(undefined)}
        />
      )}
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
