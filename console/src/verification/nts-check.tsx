import { Button, Group } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { unwrap } from '../api/problem.js';
import { problemMessage } from '../i18n/messages.js';

/**
 * Asks the National Tax Service register about a business now (`POST …/nts-check`): its status
 * (계속/휴업/폐업) only, or with the authenticity check (진위확인: number, representative, opening
 * date), which verifies the business when they match. What the register said, or why it could
 * not be asked, goes to `onDone`.
 */
export function NtsCheckButtons({
  businessId,
  label,
  onDone,
}: {
  businessId: string;
  label: string;
  onDone: (message: string, failed: boolean) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const check = useMutation({
    mutationFn: (validate: boolean) =>
      unwrap(
        api.POST('/operator/businesses/{id}/nts-check', {
          params: { path: { id: businessId } },
          body: { validate },
        }),
      ),
    onSuccess: async (business) => {
      await queryClient.invalidateQueries({ queryKey: ['operator', 'review-queue'] });
      await queryClient.invalidateQueries({ queryKey: ['operator', 'businesses'] });
      onDone(
        t('nts.checked', {
          target: label,
          status: business.ntsStatus ? t(`nts.${business.ntsStatus.status}`) : '—',
          verified: t(business.verification.verified ? 'nts.isVerified' : 'nts.notVerified'),
        }),
        false,
      );
    },
    onError: (error) => onDone(`${label}: ${problemMessage(t, error)}`, true),
  });
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        size="xs"
        variant="default"
        aria-label={t('nts.checkFor', { target: label })}
        loading={check.isPending && check.variables === false}
        onClick={() => check.mutate(false)}
      >
        {t('nts.check')}
      </Button>
      <Button
        size="xs"
        variant="default"
        aria-label={t('nts.validateFor', { target: label })}
        loading={check.isPending && check.variables === true}
        onClick={() => check.mutate(true)}
      >
        {t('nts.validate')}
      </Button>
    </Group>
  );
}
