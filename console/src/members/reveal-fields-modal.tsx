import { Alert, Button, Checkbox, Group, Modal, Stack, Table, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { formErrors, problemMessage } from '../i18n/messages.js';
import { FormActions } from '../shell/form-parts.js';

/** A revealed record: the raw fields asked for, and the notes when asked. */
export interface Revealed {
  [field: string]: unknown;
  notes?: { at: string; text: string }[];
}

/**
 * Reveals chosen fields of one record (a worker's, a business's), and with `notes` its notes
 * (evidence, reasons), for a reason the API's access record keeps (written before anything is
 * read); the body is validated with the API's own schema for that record.
 */
export function RevealFieldsModal<F extends string>({
  title,
  fields,
  picked = [],
  schema,
  reveal,
  format = (_field, value) => String(value),
  onClose,
}: {
  title: string;
  /** The fields offered, each with its label (`notes`: the record's notes, where it has them). */
  fields: readonly { name: F; label: string }[];
  /** The fields checked at first. */
  picked?: readonly F[];
  schema: z.ZodType<unknown>;
  reveal: (body: { fields: F[]; reason: string }) => Promise<Revealed>;
  /** A raw value as the operator reads it (a phone the Korean way). */
  format?: (field: string, value: unknown) => string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm<{ picked: string[]; reason: string }>({
    mode: 'uncontrolled',
    initialValues: { picked: [...picked], reason: '' },
    validate: (values) => {
      const errors = formErrors(t, schema.safeParse(bodyOf(values)));
      if (errors.fields) errors.picked = t('members.pickField');
      return errors;
    },
  });
  const bodyOf = (values: { picked: string[]; reason: string }) => ({
    // The checkboxes hold the offered names only.
    fields: values.picked.filter((name): name is F => fields.some((f) => f.name === name)),
    reason: values.reason.trim(),
  });
  const run = useMutation({
    mutationFn: (values: { picked: string[]; reason: string }) => reveal(bodyOf(values)),
  });
  const labelOf = (name: string) => fields.find((f) => f.name === name)?.label ?? name;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('app.close') }}
      opened
      onClose={onClose}
      title={title}
      centered
      size="lg"
    >
      {run.data ? (
        <Stack>
          <Alert color="blue" role="status">
            {t('members.recorded')}
          </Alert>
          {Object.entries(run.data)
            .filter(([name]) => name !== 'id' && name !== 'notes')
            .map(([name, value]) => (
              <Text key={name}>
                {labelOf(name)}:{' '}
                <b>{value === null || value === undefined ? '—' : format(name, value)}</b>
              </Text>
            ))}
          {run.data.notes && (
            <Table>
              <Table.Tbody>
                {run.data.notes.map((note) => (
                  <Table.Tr key={note.at}>
                    <Table.Td ff="monospace">{note.at}</Table.Td>
                    <Table.Td>{note.text}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('members.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((values) => run.mutate(values))} noValidate>
          <Stack>
            {run.isError && (
              <Alert color="red" role="alert">
                {problemMessage(t, run.error)}
              </Alert>
            )}
            <Checkbox.Group
              label={t('reveal.fields')}
              key={form.key('picked')}
              {...form.getInputProps('picked')}
            >
              <Group mt="xs">
                {fields.map((field) => (
                  <Checkbox key={field.name} value={field.name} label={field.label} />
                ))}
              </Group>
            </Checkbox.Group>
            <Textarea
              label={t('members.reason')}
              description={t('members.reasonHelp')}
              required
              autosize
              minRows={2}
              key={form.key('reason')}
              {...form.getInputProps('reason')}
            />
            <FormActions
              onCancel={onClose}
              label={t('members.reveal')}
              color="red.9"
              loading={run.isPending}
            />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
