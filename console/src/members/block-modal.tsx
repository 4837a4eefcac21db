import { Alert, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { BlockRequest } from '../api/decision-schemas.js';
import { unwrap } from '../api/problem.js';
import type { components } from '../api/schema.js';
import { formErrors, problemMessage } from '../i18n/messages.js';
import { FormActions } from '../shell/form-parts.js';

type Member = components['schemas']['MemberSummary'];

/**
 * Block a member's account, or lift the block, for a reason the access record keeps (validated
 * by the API's own schema). A block ends every session the member has at once.
 */
export function BlockModal({
  member,
  onClose,
  onChanged,
}: {
  member: Member;
  onClose: () => void;
  onChanged: (member: Member) => void;
}) {
  const { t } = useTranslation();
  const blocking = member.blocked === null;
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { reason: '' },
    validate: (values) => formErrors(t, BlockRequest.safeParse({ reason: values.reason.trim() })),
  });
  const change = useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST(blocking ? '/operator/members/{id}/block' : '/operator/members/{id}/unblock', {
          params: { path: { id: member.id } },
          body: { reason },
        }),
      ),
    onSuccess: (changed) => {
      onChanged(changed);
      onClose();
    },
  });
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('app.close') }}
      opened
      onClose={onClose}
      title={t(blocking ? 'members.blockTitle' : 'members.unblockTitle', { id: member.id })}
      centered
    >
      <form onSubmit={form.onSubmit((values) => change.mutate(values.reason.trim()))} noValidate>
        <Stack>
          {change.isError && (
            <Alert color="red" role="alert">
              {problemMessage(t, change.error)}
            </Alert>
          )}
          <Text size="sm">{t(blocking ? 'members.blockHelp' : 'members.unblockHelp')}</Text>
          <Textarea
            label={t('members.changeReason')}
            description={t('members.reasonHelp')}
            required
            autosize
            minRows={2}
            key={form.key('reason')}
            {...form.getInputProps('reason')}
          />
          <FormActions
            onCancel={onClose}
            label={t(blocking ? 'members.block' : 'members.unblock')}
            color={blocking ? 'red.9' : 'teal.9'}
            loading={change.isPending}
          />
        </Stack>
      </form>
    </Modal>
  );
}
