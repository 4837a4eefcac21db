import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';

/** The three queues of the verification screen, as the API names them. */
export type QueueKind = 'bank_account' | 'qualification' | 'business';

const PAGE = 20;

/** What waits for an operator, oldest first, a page at a time (`next` → `after`). */
export function workerQueue(kind: 'bank_account' | 'qualification') {
  return infiniteQueryOptions({
    queryKey: ['operator', 'review-queue', kind],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/operator/workers/review-queue', {
          params: { query: { kind, limit: PAGE, ...(pageParam ? { after: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next ?? undefined,
  });
}

export const businessQueue = infiniteQueryOptions({
  queryKey: ['operator', 'review-queue', 'business'],
  initialPageParam: undefined as string | undefined,
  queryFn: ({ pageParam, signal }) =>
    unwrap(
      api.GET('/operator/businesses/review-queue', {
        params: { query: { limit: PAGE, ...(pageParam ? { after: pageParam } : {}) } },
        signal,
      }),
    ),
  getNextPageParam: (page) => page.next ?? undefined,
});

/** The evidence file's download link (the read is recorded by the API). */
export async function openEvidence(fileId: string): Promise<void> {
  const view = await unwrap(api.GET('/operator/files/{id}', { params: { path: { id: fileId } } }));
  if (view.download) window.open(view.download.url, '_blank', 'noopener');
}
