import type { ComponentType } from 'react';
import { TodayPage } from '../today/today-page.js';

/**
 * The console's screens, in the order of the navigation: only those that exist. Today is the
 * first screen and comes with the initial bundle; every later screen comes in with
 * `lazy(() => import('../<screen>/<screen>-page'))`, so the first screen loads none of their
 * code (nor the chart library some of them will draw with).
 */
export const SCREENS: { path: string; label: 'nav.today'; element: ComponentType }[] = [
  { path: '/', label: 'nav.today', element: TodayPage },
];
