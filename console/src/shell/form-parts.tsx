import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * The foot of a modal's form: cancel, then the action it submits (its colour says whether it
 * grants or takes away).
 */
export function FormActions({
  onCancel,
  label,
  color,
  loading,
}: {
  onCancel: () => void;
  label: string;
  color: string;
  loading: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {t('verification.cancel')}
      </Button>
      <Button type="submit" color={color} loading={loading}>
        {label}
      </Button>
    </Group>
  );
}

/** The next page of a paged list (a TanStack infinite query), while there is one. */
export function MoreButton({
  query,
  label,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <Button
      variant="default"
      loading={query.isFetchingNextPage}
      onClick={() => void query.fetchNextPage()}
    >
      {label}
    </Button>
  );
}
