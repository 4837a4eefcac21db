import { queryOptions } from '@tanstack/react-query';
import { api } from './client.js';
import { unwrap } from './problem.js';

/** The monthly statistics reports, newest first (operators and admins). */
export const monthlyStatistics = queryOptions({
  queryKey: ['operator', 'stats'],
  queryFn: ({ signal }) => unwrap(api.GET('/operator/stats', { signal })),
});

/** Where the Firestore migration stands (admins; 404 while the migration is off). */
export const migrationStatus = queryOptions({
  queryKey: ['admin', 'migrations', 'status'],
  queryFn: ({ signal }) => unwrap(api.GET('/admin/migrations/status', { signal })),
});
