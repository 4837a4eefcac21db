import { AppShell, Badge, Burger, Button, Group, Loader, NavLink, Title } from '@mantine/core';
import { Suspense } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { signOut, type Staff } from '../session/session.js';
import { LanguageSwitch } from './language-switch.js';
import { screensFor } from './screens.js';

/** The frame of every screen: the product, the navigation, who is signed in, the language. */
export function ConsoleShell({ staff }: { staff: Staff }) {
  const { t } = useTranslation();
  const [navOpen, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.toggle')}
            />
            <Title order={1} size="h4">
              {t('app.name')}
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Badge variant="light" color={staff.role === 'admin' ? 'grape' : 'blue'}>
              {t(`role.${staff.role}`)}
            </Badge>
            <LanguageSwitch />
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              {t('session.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.label')}>
        {screensFor(staff.role).map(({ path, label }) => (
          <NavLink
            key={path}
            component={Link}
            to={path}
            active={pathname === path}
            // Filled: white on blue-8 keeps 4.5:1 hovered too (the light variant's hover falls short).
            variant="filled"
            aria-current={pathname === path ? 'page' : undefined}
            label={t(label)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {/* The later screens load on first visit (screens.ts). */}
        <Suspense fallback={<Loader aria-label={t('app.loading')} />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
