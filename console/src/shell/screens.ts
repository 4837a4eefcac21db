import { lazy, type ComponentType } from 'react';
import type { Staff } from '../session/session.js';
import { TodayPage } from '../today/today-page.js';

/**
 * The console's screens, in the order of the navigation: only those that exist. Today is the
 * first screen and comes with the initial bundle; every later screen comes in with
 * `lazy(() => import('../<screen>/<screen>-page'))`, so the first screen loads none of their
 * code (nor the chart library some of them will draw with).
 */
const SCREENS: {
  path: string;
  label:
    | 'nav.today'
    | 'nav.verification'
    | 'nav.members'
    | 'nav.eligibility'
    | 'nav.statistics'
    | 'nav.migration'
    | 'nav.accessReview';
  element: ComponentType;
  /** Only for these roles (the API's routes are theirs alone); everyone's when absent. */
  roles?: readonly Staff['role'][];
}[] = [
  { path: '/', label: 'nav.today', element: TodayPage },
  {
    path: '/verification',
    label: 'nav.verification',
    element: lazy(() => import('../verification/verification-page.js')),
  },
  {
    path: '/members',
    label: 'nav.members',
    element: lazy(() => import('../members/members-page.js')),
  },
  {
    path: '/eligibility',
    label: 'nav.eligibility',
    element: lazy(() => import('../eligibility/eligibility-page.js')),
  },
  {
    path: '/statistics',
    label: 'nav.statistics',
    element: lazy(() => import('../statistics/statistics-page.js')),
  },
  {
    path: '/migration',
    label: 'nav.migration',
    element: lazy(() => import('../migration/migration-page.js')),
    roles: ['admin'],
  },
  {
    path: '/access-review',
    label: 'nav.accessReview',
    element: lazy(() => import('../access-review/access-review-page.js')),
    roles: ['admin'],
  },
];

/** The screens a staff member of this role may open. */
export function screensFor(role: Staff['role']) {
  return SCREENS.filter((screen) => !screen.roles || screen.roles.includes(role));
}
