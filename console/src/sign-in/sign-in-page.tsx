import {
  Alert,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Login } from '../api/auth-schemas.js';
import { ApiProblem } from '../api/problem.js';
import { formErrors, problemFieldErrors, problemMessage } from '../i18n/messages.js';
import { signIn } from '../session/session.js';
import { LanguageSwitch } from '../shell/language-switch.js';
import { NewPasswordForm, type Challenge } from './new-password-form.js';

/**
 * Sign-in: email and password; a staff account's first sign-in continues with a password of its
 * own (403 new_password_required carries the challenge's `session`). `ended` says why the last
 * session ended (a failed refresh, staff_only, a sign-out the API did not confirm).
 */
export function SignInPage({ ended }: { ended?: string }) {
  const { t } = useTranslation();
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [restarted, setRestarted] = useState<string | null>(null);
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack>
          <Group justify="space-between" wrap="nowrap">
            <Title order={1} size="h3">
              {t('app.name')}
            </Title>
            <LanguageSwitch />
          </Group>
          {challenge ? (
            <NewPasswordForm
              challenge={challenge}
              onRestart={(code) => {
                setChallenge(null);
                setRestarted(code ?? null);
              }}
            />
          ) : (
            <LoginForm
              notice={restarted ?? ended}
              onChallenge={(next) => {
                setRestarted(null);
                setChallenge(next);
              }}
            />
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

function LoginForm({
  notice,
  onChallenge,
}: {
  notice: string | undefined;
  onChallenge: (challenge: Challenge) => void;
}) {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: (values) => formErrors(t, Login.safeParse(values)),
  });
  const login = useMutation({
    mutationFn: (values: typeof form.values) => signIn(Login.parse(values)),
    onError: (error, values) => {
      if (!(error instanceof ApiProblem)) return;
      const session = error.extensions.session;
      if (error.code === 'new_password_required' && typeof session === 'string') {
        onChallenge({ email: Login.parse(values).email, session });
      } else if (error.code === 'validation_failed') {
        form.setErrors(problemFieldErrors(t, error));
      }
    },
  });
  const shown = login.error ?? (notice ? new ApiProblem(0, notice, '') : null);
  return (
    <form onSubmit={form.onSubmit((values) => login.mutate(values))} noValidate>
      <Stack>
        <div>
          <Title order={2} size="h4">
            {t('signIn.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('signIn.intro')}
          </Text>
        </div>
        {shown && (
          <Alert color="red" role="alert">
            {problemMessage(t, shown)}
          </Alert>
        )}
        <TextInput
          label={t('signIn.email')}
          type="email"
          autoComplete="username"
          required
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          visibilityToggleButtonProps={{ 'aria-label': t('signIn.showPassword') }}
          label={t('signIn.password')}
          autoComplete="current-password"
          required
          key={form.key('password')}
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={login.isPending}>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}
