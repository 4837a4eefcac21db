import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api/client.js';
import {
  BankAccountDecision,
  BusinessDecision,
  QualificationDecision,
} from '../api/decision-schemas.js';
import { ApiProblem, unwrap } from '../api/problem.js';
import type { paths } from '../api/schema.js';
import { formErrors, problemFieldErrors, problemMessage } from '../i18n/messages.js';

type QualificationCode =
  paths['/operator/workers/{id}/qualifications/{code}']['post']['parameters']['path']['code'];

/** What is decided: one worker's bank account or qualification, or one business's registration. */
export type DecisionTarget =
  | { kind: 'bank_account'; workerId: string; label: string; holderMatches: boolean }
  | { kind: 'qualification'; workerId: string; code: string; label: string }
  | { kind: 'business'; businessId: string; label: string };

export type DecisionAction = 'verify' | 'revoke';

interface Values {
  evidence: string;
  holderMatchesLegalName: boolean;
  /** `YYYY-MM-DD`, KST: the document's last valid day. */
  expiresOn: string;
  reason: string;
  ntsStatus: string | null;
  taxType: string | null;
}

const ntsShape = BusinessDecision.shape.ntsStatus.unwrap().shape;
/** The NTS statuses and 과세유형 the API accepts, read from its schema. */
const NTS_STATUSES = ntsShape.status.options;
const TAX_TYPES = ntsShape.taxType.options;

/** The request body of a decision, as the API's schema reads it (undefined fields left out). */
function bodyOf(target: DecisionTarget, action: DecisionAction, values: Values) {
  const evidence = values.evidence.trim();
  switch (target.kind) {
    case 'bank_account':
      return BankAccountDecision.safeParse(
        action === 'verify'
          ? { action, evidence, holderMatchesLegalName: values.holderMatchesLegalName }
          : { action, evidence },
      );
    case 'qualification':
      return QualificationDecision.safeParse(
        action === 'verify' && values.expiresOn
          ? { action, evidence, expiresAt: `${values.expiresOn}T23:59:59+09:00` }
          : { action, evidence },
      );
    case 'business':
      return BusinessDecision.safeParse({
        action,
        evidence,
        reason: values.reason.trim(),
        ...(values.ntsStatus && values.taxType
          ? { ntsStatus: { status: values.ntsStatus, taxType: values.taxType } }
          : {}),
      });
  }
}

async function send(target: DecisionTarget, body: unknown): Promise<void> {
  switch (target.kind) {
    case 'bank_account':
      await unwrap(
        api.POST('/operator/workers/{id}/bank-account', {
          params: { path: { id: target.workerId } },
          body: body as z.input<typeof BankAccountDecision>,
        }),
      );
      return;
    case 'qualification':
      await unwrap(
        api.POST('/operator/workers/{id}/qualifications/{code}', {
          params: { path: { id: target.workerId, code: target.code as QualificationCode } },
          body: body as z.input<typeof QualificationDecision>,
        }),
      );
      return;
    case 'business':
      await unwrap(
        api.POST('/operator/businesses/{id}/verification', {
          params: { path: { id: target.businessId } },
          body: body as z.input<typeof BusinessDecision>,
        }),
      );
  }
}

/**
 * Approve or refuse one request, with what was checked (evidence) and, for a business, the
 * reason; validated with the API's own schemas. Refusing a request still waiting is the API's
 * `revoke` (it takes the request off the queue).
 */
export function DecisionModal({
  target,
  action,
  onClose,
  onDecided,
}: {
  target: DecisionTarget;
  action: DecisionAction;
  onClose: () => void;
  onDecided: (message: string) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: {
      evidence: '',
      holderMatchesLegalName: target.kind === 'bank_account' ? target.holderMatches : true,
      expiresOn: '',
      reason: '',
      ntsStatus: null,
      taxType: null,
    },
    validate: (values) => formErrors(t, bodyOf(target, action, values)),
  });
  const decide = useMutation({
    mutationFn: async (values: Values) => {
      const parsed = bodyOf(target, action, values);
      if (!parsed.success) throw parsed.error;
      await send(target, parsed.data);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['operator', 'review-queue'] });
      // A business decided from the members screen's lookup shows its new state.
      await queryClient.invalidateQueries({ queryKey: ['operator', 'businesses'] });
      onDecided(t(`verification.decided.${action}`, { target: target.label }));
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.code === 'validation_failed') {
        form.setErrors(problemFieldErrors(t, error));
      }
    },
  });
  const title = t(`verification.${action}Title`, { target: target.label });
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('app.close') }}
      opened
      onClose={onClose}
      title={title}
      centered
    >
      <form onSubmit={form.onSubmit((values) => decide.mutate(values))} noValidate>
        <Stack>
          {decide.error instanceof ApiProblem && (
            <Alert color="red" role="alert">
              {problemMessage(t, decide.error)}
            </Alert>
          )}
          <Textarea
            label={t('verification.evidence')}
            description={t('verification.evidenceHelp')}
            required
            autosize
            minRows={2}
            key={form.key('evidence')}
            {...form.getInputProps('evidence')}
          />
          {target.kind === 'business' && (
            <Textarea
              label={t('verification.reason')}
              required
              autosize
              minRows={2}
              key={form.key('reason')}
              {...form.getInputProps('reason')}
            />
          )}
          {action === 'verify' && target.kind === 'bank_account' && (
            <Checkbox
              label={t('verification.holderMatches')}
              key={form.key('holderMatchesLegalName')}
              {...form.getInputProps('holderMatchesLegalName', { type: 'checkbox' })}
            />
          )}
          {action === 'verify' && target.kind === 'qualification' && (
            <TextInput
              type="date"
              label={t('verification.expiresOn')}
              key={form.key('expiresOn')}
              {...form.getInputProps('expiresOn')}
            />
          )}
          {target.kind === 'business' && (
            <Group grow align="flex-start">
              <Select
                label={t('verification.ntsStatus')}
                data={NTS_STATUSES.map((value) => ({ value, label: t(`nts.${value}`) }))}
                clearable
                key={form.key('ntsStatus')}
                {...form.getInputProps('ntsStatus')}
              />
              <Select
                label={t('verification.taxType')}
                data={[...TAX_TYPES]}
                clearable
                key={form.key('taxType')}
                {...form.getInputProps('taxType')}
              />
            </Group>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('verification.cancel')}
            </Button>
            <Button
              type="submit"
              color={action === 'verify' ? 'teal.9' : 'red.9'}
              loading={decide.isPending}
            >
              {t(`verification.${action}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
