import { Alert, Checkbox, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api/client.js';
import {
  BankAccountDecision,
  BusinessDecision,
  IdentityDecision,
  QualificationDecision,
} from '../api/decision-schemas.js';
import { ApiProblem, unwrap } from '../api/problem.js';
import type { paths } from '../api/schema.js';
import { formErrors, problemFieldErrors, problemMessage } from '../i18n/messages.js';
import { FormActions } from '../shell/form-parts.js';

type QualificationCode =
  paths['/operator/workers/{id}/qualifications/{code}']['post']['parameters']['path']['code'];

/**
 * What is decided: one worker's identity (by hand: a document and the provider's console), bank
 * account or qualification, or one business's registration.
 */
export type DecisionTarget =
  | { kind: 'identity'; workerId: string; label: string }
  | { kind: 'bank_account'; workerId: string; label: string; holderMatches: boolean }
  | { kind: 'qualification'; workerId: string; code: string; label: string }
  | { kind: 'business'; businessId: string; label: string };

export type DecisionAction = 'verify' | 'revoke';

interface Values {
  evidence: string;
  /** The CI the provider's console showed (identity). */
  ci: string;
  /** `YYYY-MM-DD`, as on the identity document. */
  birthDate: string;
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

/** A decision's request body, as the form filled it, for the API's schema of its kind. */
type Decision =
  | { kind: 'identity'; body: z.input<typeof IdentityDecision> }
  | { kind: 'bank_account'; body: z.input<typeof BankAccountDecision> }
  | { kind: 'qualification'; body: z.input<typeof QualificationDecision> }
  | { kind: 'business'; body: z.input<typeof BusinessDecision> };

/** The NTS status and 과세유형 the form picked, when both are ones the API's schema offers. */
function ntsStatusOf(values: Values): z.input<typeof BusinessDecision>['ntsStatus'] {
  const status = NTS_STATUSES.find((s) => s === values.ntsStatus);
  const taxType = TAX_TYPES.find((s) => s === values.taxType);
  return status && taxType ? { status, taxType } : undefined;
}

/** The request body of a decision (undefined fields left out). */
function decisionOf(target: DecisionTarget, action: DecisionAction, values: Values): Decision {
  const evidence = values.evidence.trim();
  switch (target.kind) {
    case 'identity': {
      const ci = values.ci.trim();
      return {
        kind: target.kind,
        body:
          action === 'verify'
            ? {
                action,
                evidence,
                ...(ci ? { ci } : {}),
                ...(values.birthDate ? { birthDate: values.birthDate } : {}),
              }
            : { action, evidence },
      };
    }
    case 'bank_account':
      return {
        kind: target.kind,
        body:
          action === 'verify'
            ? { action, evidence, holderMatchesLegalName: values.holderMatchesLegalName }
            : { action, evidence },
      };
    case 'qualification':
      return {
        kind: target.kind,
        body:
          action === 'verify' && values.expiresOn
            ? { action, evidence, expiresAt: `${values.expiresOn}T23:59:59+09:00` }
            : { action, evidence },
      };
    case 'business': {
      const ntsStatus = ntsStatusOf(values);
      return {
        kind: target.kind,
        body: {
          action,
          evidence,
          reason: values.reason.trim(),
          ...(ntsStatus ? { ntsStatus } : {}),
        },
      };
    }
  }
}

/** Whether the API's own schema takes the body: its issues for the form when not. */
function check(decision: Decision) {
  switch (decision.kind) {
    case 'identity':
      return IdentityDecision.safeParse(decision.body);
    case 'bank_account':
      return BankAccountDecision.safeParse(decision.body);
    case 'qualification':
      return QualificationDecision.safeParse(decision.body);
    case 'business':
      return BusinessDecision.safeParse(decision.body);
  }
}

/** Sends the body as the form filled it (what the schema checked), not the schema's output. */
async function send(target: DecisionTarget, decision: Decision): Promise<void> {
  if (target.kind === 'identity' && decision.kind === 'identity') {
    await unwrap(
      api.POST('/operator/workers/{id}/identity', {
        params: { path: { id: target.workerId } },
        body: decision.body,
      }),
    );
  } else if (target.kind === 'bank_account' && decision.kind === 'bank_account') {
    await unwrap(
      api.POST('/operator/workers/{id}/bank-account', {
        params: { path: { id: target.workerId } },
        body: decision.body,
      }),
    );
  } else if (target.kind === 'qualification' && decision.kind === 'qualification') {
    await unwrap(
      api.POST('/operator/workers/{id}/qualifications/{code}', {
        params: { path: { id: target.workerId, code: target.code as QualificationCode } },
        body: decision.body,
      }),
    );
  } else if (target.kind === 'business' && decision.kind === 'business') {
    await unwrap(
      api.POST('/operator/businesses/{id}/verification', {
        params: { path: { id: target.businessId } },
        body: decision.body,
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
      ci: '',
      birthDate: '',
      holderMatchesLegalName: target.kind === 'bank_account' ? target.holderMatches : true,
      expiresOn: '',
      reason: '',
      ntsStatus: null,
      taxType: null,
    },
    validate: (values) => formErrors(t, check(decisionOf(target, action, values))),
  });
  const decide = useMutation({
    mutationFn: async (values: Values) => {
      const decision = decisionOf(target, action, values);
      const checked = check(decision);
      if (!checked.success) throw checked.error;
      await send(target, decision);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['operator', 'review-queue'] });
      // A business decided from the members screen's lookup, or a worker from their drawer,
      // shows its new state.
      await queryClient.invalidateQueries({ queryKey: ['operator', 'businesses'] });
      await queryClient.invalidateQueries({ queryKey: ['operator', 'workers'] });
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
          {action === 'verify' && target.kind === 'identity' && (
            <Group grow align="flex-start">
              <TextInput
                label={t('verification.ci')}
                description={t('verification.ciHelp')}
                key={form.key('ci')}
                {...form.getInputProps('ci')}
              />
              <TextInput
                type="date"
                label={t('verification.birthDate')}
                key={form.key('birthDate')}
                {...form.getInputProps('birthDate')}
              />
            </Group>
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
          <FormActions
            onCancel={onClose}
            label={t(`verification.${action}`)}
            color={action === 'verify' ? 'teal.9' : 'red.9'}
            loading={decide.isPending}
          />
        </Stack>
      </form>
    </Modal>
  );
}
