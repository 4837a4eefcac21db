import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The floors of ARCHITECTURE.md ("Who may import whom") as `npm run lint` enforces them: source
 * text planted at a path inside src/ (the file need not exist) is linted with the project's own
 * eslint.config.js, and the import-direction rule must name it, or stay silent.
 */
/** The import-direction rule, and the syntax rule that keeps imports where it can see them. */
const RULES = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The import-direction (and KST offset) messages for `code` placed at `path`. */
async function directionErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, {
    filePath: `${ROOT}${path}`,
    warnIgnored: true,
  });
  // A planted import is unused, so that rule speaks too; any other message is a broken fixture.
  const others = result?.messages.filter(
    (m) => !RULES.has(m.ruleId ?? '') && m.ruleId !== '@typescript-eslint/no-unused-vars',
  );
  expect(others).toEqual([]);
  return (result?.messages ?? []).filter((m) => RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

describe('npm run lint: imports run down the floors', () => {
  it.each([
    [
      'src/platform/http/planted.ts',
      "import { ShiftsService } from '../../modules/shifts/shifts.service.js';",
    ],
    [
      'src/platform/planted.ts',
      "import type { Shift } from '../modules/shifts/shifts.repository.js';",
    ],
    [
      'src/privacy/personal-data/planted.ts',
      "import { MEMBER_PERSONAL_DATA } from '../../modules/members/members.policy.js';",
    ],
    [
      'src/config/planted.ts',
      "import type { EligibilityPolicy } from '../modules/eligibility/engine/types.js';",
    ],
    [
      'src/privacy/planted.ts',
      "export { ShiftsService } from '../modules/shifts/shifts.service.js';",
    ],
    [
      'src/platform/logging/planted.ts',
      "import { redactFreeText } from '../../privacy/free-text.js';",
    ],
    ['src/config/planted.ts', "import { KST } from '../platform/time/kst.js';"],
    ['src/platform/storage/planted.ts', "import { MIGRATIONS } from '../../migrations/index.js';"],
    ['src/platform/http/planted.ts', "import { AppModule } from '../../app.module.js';"],
    [
      'src/privacy/planted.ts',
      "import { PERSONAL_DATA_POLICIES } from '../personal-data.registry.js';",
    ],
    ['src/modules/shifts/planted.ts', "import { createApiApp } from '../../create-api-app.js';"],
    ['src/modules/shifts/planted.ts', "import { freePort } from '../../local/ports.js';"],
    ['src/modules/shifts/planted.ts', "import { seedDemo } from '../demo/demo-seed.command.js';"],
    [
      'src/modules/workers/planted.ts',
      "import { phone } from '../firestore-migration/mapping/coerce.js';",
    ],
    [
      'src/migrations/planted.ts',
      "import { WORKER_PERSONAL_DATA } from '../modules/workers/workers.policy.js';",
    ],
    // import() of our own code would slip past the import rules (require() is refused already).
    [
      'src/platform/http/planted.ts',
      "export const load = () => import('../../modules/shifts/shifts.service.js');",
    ],
  ])('fails %s importing up: %s', async (path, code) => {
    const errors = await directionErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Imports run down the floors');
  });

  it.each([
    [
      'src/modules/assignments/planted.ts',
      "import { ShiftsRepository } from '../shifts/shifts.repository.js';",
    ],
    [
      'src/modules/assignments/engine/planted.ts',
      "import type { Shift } from '../../shifts/shifts.repository.js';",
    ],
    [
      'src/modules/assignments/a/b/planted.ts',
      "import { ShiftsRepository } from '../../../shifts/shifts.repository';",
    ],
    [
      'src/modules/eligibility/planted.ts',
      "import { WorkerSchedulesRepository } from '../assignments/worker-schedules.repository.js';",
    ],
  ])("fails %s importing another module's repository: %s", async (path, code) => {
    const errors = await directionErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("a module never imports another module's repository");
  });

  it.each([
    [
      'src/modules/assignments/planted.ts',
      "import { ShiftsService } from '../shifts/shifts.service.js';",
    ],
    [
      'src/modules/assignments/planted.ts',
      "import type { MessageSender } from '../notifications/message-sender.port.js';",
    ],
    [
      'src/modules/assignments/planted.ts',
      "import { AssignmentsRepository } from './assignments.repository.js';",
    ],
    [
      'src/modules/assignments/engine/planted.ts',
      "import { AssignmentsRepository } from '../assignments.repository.js';",
    ],
    ['src/modules/assignments/planted.ts', "import { Privacy } from '../../privacy/privacy.js';"],
    [
      'src/modules/assignments/planted.ts',
      "import { MIGRATIONS } from '../../migrations/index.js';",
    ],
    ['src/privacy/planted.ts', "import { kstDate } from '../platform/time/kst.js';"],
    ['src/platform/http/planted.ts', "import type { AppConfig } from '../../config/config.js';"],
    ['src/platform/http/planted.ts', "import { Idempotency } from './idempotency.js';"],
    [
      'src/migrations/planted.ts',
      "import type { Migration } from '../platform/storage/migrations.js';",
    ],
    ['src/planted.ts', "import { AppModule } from './app.module.js';"],
    [
      'src/local/planted.ts',
      "import { ShiftsRepository } from '../modules/shifts/shifts.repository.js';",
    ],
    [
      'src/modules/demo/planted.ts',
      "import { ShiftsRepository } from '../shifts/shifts.repository.js';",
    ],
    [
      'src/modules/firestore-migration/mapping/planted.ts',
      "import { WorkersRepository } from '../../workers/workers.repository.js';",
    ],
    [
      'src/cli.ts',
      "import { MigrationEngine } from './modules/firestore-migration/engine/migration-engine.js';",
    ],
    // A test may reach any floor to build its fixtures.
    ['src/platform/http/planted.spec.ts', "import { AppModule } from '../../app.module.js';"],
  ])('passes %s importing down or sideways: %s', async (path, code) => {
    expect(await directionErrors(path, code)).toEqual([]);
  });

  it('still fails a local KST offset in shipped code beside the import rules', async () => {
    const errors = await directionErrors(
      'src/platform/http/planted.ts',
      'export const KST_OFFSET_MS = 1;',
    );
    expect(errors).toEqual(['KST offsets belong to src/platform/time/kst.ts: use its helpers.']);
  });
});
