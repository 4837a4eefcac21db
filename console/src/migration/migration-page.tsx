import { Alert, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { MigrateUserByEmail } from '../api/decision-schemas.js';
import { ApiProblem, unwrap } from '../api/problem.js';
import { migrationStatus } from '../api/queries.js';
import { formatNumber } from '../format.js';
import { problemMessage } from '../i18n/messages.js';
import { MigrationProgress } from '../today/migration-progress.js';

/** A Firebase uid: what the API's route takes (letters, digits, `-` and `_`, up to 128). */
const UID = /^[A-Za-z0-9_-]{1,128}$/;

/** Who to migrate: a uid, or an email (the API finds the user; validated by its own schema). */
type Who = { uid: string } | { email: string };

function whoOf(input: string): Who | undefined {
  const typed = input.trim();
  if (typed.includes('@')) {
    const parsed = MigrateUserByEmail.safeParse({ email: typed });
    return parsed.success ? { email: parsed.data.email } : undefined;
  }
  return UID.test(typed) ? { uid: typed } : undefined;
}

/** The uids the API named when several old users hold the email (409 legacy_email_ambiguous). */
function candidatesOf(error: unknown): string[] {
  if (!(error instanceof ApiProblem) || error.code !== 'legacy_email_ambiguous') return [];
  const { candidates } = error.extensions;
  return Array.isArray(candidates) ? candidates.filter((c) => typeof c === 'string') : [];
}

/**
 * The Firestore migration (admins): every stage with its counts, the latest issues with their
 * documents' paths, and one user migrated on demand (a member stranded between two daily batches),
 * with the report of what moved.
 */
export default function MigrationPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const status = useQuery(migrationStatus);
  const [input, setInput] = useState('');
  const [touched, setTouched] = useState(false);
  const who = whoOf(input);
  const migrate = useMutation({
    mutationFn: (target: Who) =>
      'uid' in target
        ? unwrap(
            api.POST('/admin/migrations/users/{uid}', { params: { path: { uid: target.uid } } }),
          )
        : unwrap(api.POST('/admin/migrations/users-by-email', { body: { email: target.email } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: migrationStatus.queryKey }),
  });
  const candidates = candidatesOf(migrate.error);
  const report = migrate.data;
  const issues = status.data?.issues ?? [];
  return (
    <Stack gap="xl">
      <Title order={2}>{t('migration.title')}</Title>
      <MigrationProgress />

      <Stack component="section" aria-labelledby="migration-issues" gap="xs">
        <Title order={3} id="migration-issues">
          {t('migration.issues')}
        </Title>
        {status.isSuccess && issues.length === 0 && (
          <Text c="dimmed">{t('migration.noIssues')}</Text>
        )}
        {issues.length > 0 && (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('migration.columns.stage')}</Table.Th>
                <Table.Th>{t('migration.columns.path')}</Table.Th>
                <Table.Th>{t('migration.columns.code')}</Table.Th>
                <Table.Th>{t('migration.columns.detail')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {issues.map((issue) => (
                <Table.Tr key={`${issue.stage}:${issue.path}:${issue.code}`}>
                  <Table.Td>{issue.stage}</Table.Td>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {issue.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>{issue.code}</Table.Td>
                  <Table.Td>{issue.detail}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>

      <Stack component="section" aria-labelledby="migrate-user" gap="xs">
        <Title order={3} id="migrate-user">
          {t('migration.oneUser')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('migration.oneUserHelp')}
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setTouched(true);
            if (who) migrate.mutate(who);
          }}
          noValidate
        >
          <Group align="flex-start">
            <TextInput
              label={t('migration.who')}
              description={t('migration.whoHelp')}
              value={input}
              required
              error={touched && !who ? t('migration.badWho') : undefined}
              onChange={(event) => setInput(event.currentTarget.value)}
            />
            <Button type="submit" mt={24} loading={migrate.isPending}>
              {t('migration.migrate')}
            </Button>
          </Group>
        </form>
        {migrate.isError && (
          <Alert color="red" role="alert">
            {problemMessage(t, migrate.error)}
            {candidates.length > 0 && (
              <Group gap="xs" mt="xs">
                {candidates.map((candidate) => (
                  <Button
                    key={candidate}
                    size="xs"
                    variant="default"
                    ff="monospace"
                    onClick={() => {
                      setInput(candidate);
                      migrate.mutate({ uid: candidate });
                    }}
                  >
                    {candidate}
                  </Button>
                ))}
              </Group>
            )}
          </Alert>
        )}
        {report && (
          <Stack gap="xs" role="status" aria-label={t('migration.report')}>
            <Group>
              <Badge color={report.outcome === 'done' ? 'teal.9' : 'orange.9'} variant="outline">
                {t(`migration.outcome.${report.outcome}`)}
              </Badge>
              <Text size="sm">
                {t('migration.summary', {
                  uid: report.uid,
                  moved: formatNumber(report.moved.length),
                  already: formatNumber(report.alreadyThere),
                  ms: formatNumber(report.elapsedMs),
                })}
              </Text>
            </Group>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('migration.columns.stage')}</Table.Th>
                  <Table.Th ta="right">{t('migration.columns.documents')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.written')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.unchanged')}</Table.Th>
                  <Table.Th ta="right">{t('today.migration.skipped')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.stages.map((stage) => (
                  <Table.Tr key={stage.stage}>
                    <Table.Td>{stage.stage}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.documents)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.written)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.unchanged)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(stage.skipped)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {report.failed.length > 0 && (
              <Alert color="orange" title={t('migration.failed')}>
                {report.failed.map((f) => (
                  <Text key={`${f.path}:${f.code}`} size="sm" ff="monospace">
                    {f.path} — {f.code}
                  </Text>
                ))}
              </Alert>
            )}
          </Stack>
        )}
      </Stack>
    </Stack>
  );
}
