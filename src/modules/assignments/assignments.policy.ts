import { definePersonalData } from '../../privacy/personal-data/policy.js';

/**
 * The personal data of an assignment (`assignments`): member ids and times are not under a
 * policy (they are how the marketplace works), but the reasons people give when an assignment
 * ends are free text about a person ("늦게 연락됨", a name, a phone) and are kept encrypted.
 * The worker and the business's staff read them; operators see them masked and reveal them with
 * a reason.
 *
 * Retention: `work-record`, from the shift's end: records of who worked when are kept as the
 * employment records the Labour Standards Act requires, then the notes are removed.
 */
export const ASSIGNMENT_PERSONAL_DATA = definePersonalData({
  collection: 'assignments',
  description: 'Assignments of workers to shifts (the reasons given when one ends)',
  fields: {},
  notes: {
    'cancellation.reason': { description: 'Why the worker, the business or the system cancelled' },
    'history[].reason': {
      description: 'The reason given with a change of state (reject, cancel, withdraw)',
    },
  },
  retention: { class: 'work-record', from: 'endsAt', method: 'anonymize' },
  revealableBy: ['operator', 'admin'],
});
