import { Center, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { useSession } from './session/session.js';
import { ConsoleShell } from './shell/console-shell.js';
import { screensFor } from './shell/screens.js';
import { SignInPage } from './sign-in/sign-in-page.js';

/** The session decides: the first refresh under way, the sign-in page, or the console. */
export function App() {
  const { t } = useTranslation();
  const session = useSession();
  if (session.status === 'starting')
    return (
      <Center mih="100vh">
        <Stack align="center" gap="xs">
          <Loader />
          <Text c="dimmed">{t('session.starting')}</Text>
        </Stack>
      </Center>
    );
  // Signed out on any path: the address stays, so signing in lands where the operator was.
  if (session.status === 'signed-out') return <SignInPage ended={session.ended} />;
  return (
    <Routes>
      <Route element={<ConsoleShell staff={session.staff} />}>
        {screensFor(session.staff.role).map(({ path, element: Screen }) => (
          <Route key={path} path={path} element={<Screen />} />
        ))}
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
