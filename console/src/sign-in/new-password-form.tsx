import { Alert, Button, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CompleteNewPassword } from '../api/auth-schemas.js';
import { ApiProblem } from '../api/problem.js';
import { formErrors, problemFieldErrors, problemMessage } from '../i18n/messages.js';
import { completeNewPassword } from '../session/session.js';

/** What the 403 new_password_required handed over: Cognito's challenge, valid three minutes. */
export interface Challenge {
  email: string;
  session: string;
}

/** A staff account's first sign-in: the password of their own, checked with the API's schema. */
export function NewPasswordForm({
  challenge,
  onRestart,
}: {
  challenge: Challenge;
  /** Back to the sign-in, with the problem that sent it there (an expired challenge). */
  onRestart: (code?: string) => void;
}) {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { newPassword: '', confirm: '' },
    validate: (values) => {
      const errors = formErrors(
        t,
        CompleteNewPassword.safeParse({ ...challenge, newPassword: values.newPassword }),
      );
      if (!errors.newPassword && values.confirm !== values.newPassword)
        errors.confirm = t('newPassword.mismatch');
      return errors;
    },
  });
  const complete = useMutation({
    mutationFn: (values: typeof form.values) =>
      completeNewPassword(
        CompleteNewPassword.parse({ ...challenge, newPassword: values.newPassword }),
      ),
    onError: (error) => {
      if (!(error instanceof ApiProblem)) return;
      if (error.code === 'invalid_session') onRestart(error.code);
      else if (error.code === 'validation_failed') form.setErrors(problemFieldErrors(t, error));
    },
  });
  return (
    <form onSubmit={form.onSubmit((values) => complete.mutate(values))} noValidate>
      <Stack>
        <div>
          <Title order={2} size="h4">
            {t('newPassword.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('newPassword.intro', { email: challenge.email })}
          </Text>
        </div>
        {(form.errors.email ?? form.errors.session) && (
          <Alert color="red" role="alert">
            {form.errors.email ?? form.errors.session}
          </Alert>
        )}
        {complete.error && (
          <Alert color="red" role="alert">
            {problemMessage(t, complete.error)}
          </Alert>
        )}
        <PasswordInput
          visibilityToggleButtonProps={{ 'aria-label': t('signIn.showPassword') }}
          label={t('newPassword.newPassword')}
          description={t('newPassword.policy')}
          autoComplete="new-password"
          required
          key={form.key('newPassword')}
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          visibilityToggleButtonProps={{ 'aria-label': t('signIn.showPassword') }}
          label={t('newPassword.confirm')}
          autoComplete="new-password"
          required
          key={form.key('confirm')}
          {...form.getInputProps('confirm')}
        />
        <Button type="submit" loading={complete.isPending}>
          {t('newPassword.submit')}
        </Button>
        <Button variant="subtle" onClick={() => onRestart()}>
          {t('newPassword.restart')}
        </Button>
      </Stack>
    </form>
  );
}
