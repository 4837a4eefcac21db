import { describe, expect, it } from 'vitest';
import {
  commandUsage,
  defineCommand,
  parseCommandArgs,
  readCommandArgs,
  resolveInvocation,
} from './cli-command.js';

const CREATE = defineCommand({
  name: 'things create',
  summary: 'create a thing',
  description: 'Creates one thing. Exit 0 when created.',
  options: {
    name: { type: 'string', value: '<name>', required: true, description: 'its name' },
    count: { type: 'string', value: '<n>', description: 'how many' },
    'dry-run': { type: 'boolean', description: 'change nothing' },
  },
  examples: ['npm run cli -- things create --name lamp'],
});
const LIST = defineCommand({
  name: 'things list',
  summary: 'list the things',
  description: 'Changes nothing.',
  options: {},
  examples: ['npm run cli -- things list'],
});
const CHECK = defineCommand({
  name: 'config check',
  summary: 'check the configuration',
  description: 'Changes nothing.',
  options: {},
  examples: ['npm run cli -- config check'],
});
const RUN = defineCommand({
  name: 'jobs run',
  summary: 'run a job',
  description: 'Runs it now.',
  arguments: [{ name: 'job', description: 'the name of the job' }],
  options: { 'dry-run': { type: 'boolean', description: 'change nothing' } },
  examples: ['npm run cli -- jobs run repair'],
});
const COMMANDS = {
  'things create': { spec: CREATE },
  'things list': { spec: LIST },
  'config check': { spec: CHECK },
};

describe(commandUsage.name, () => {
  it('shows the synopsis (required options bare, optional ones in brackets), what it does, every option with help, and the example', () => {
    const usage = commandUsage(CREATE);

    expect(usage).toMatch(
      /^usage: cli things create --name <name> \[--count <n>\] \[--dry-run\]\n\ncreate a thing\n/,
    );
    expect(usage).toContain('Creates one thing. Exit 0 when created.');
    expect(usage).toMatch(/--name <name> +its name \(required\)/);
    expect(usage).toMatch(/--count <n> +how many\n/);
    expect(usage).toMatch(/--dry-run +change nothing/);
    expect(usage).toMatch(/-h, --help +print this help and run nothing/);
    expect(usage).toMatch(/example:\n {2}npm run cli -- things create --name lamp\n$/);
  });

  it('shows positional arguments before the options, in the synopsis and with their help', () => {
    const usage = commandUsage(RUN);

    expect(usage).toMatch(/^usage: cli jobs run <job> \[--dry-run\]\n/);
    expect(usage).toMatch(/arguments and options:\n {2}<job> +the name of the job\n/);
  });
});

describe(parseCommandArgs.name, () => {
  it('returns the declared options typed by kind', () => {
    expect(parseCommandArgs(CREATE, ['--name', 'lamp', '--dry-run'])).toEqual({
      kind: 'ok',
      values: { name: 'lamp', 'dry-run': true },
      positionals: [],
    });
  });

  it('returns the declared positional arguments in order, among the options', () => {
    expect(parseCommandArgs(RUN, ['repair', '--dry-run'])).toEqual({
      kind: 'ok',
      values: { 'dry-run': true },
      positionals: ['repair'],
    });
  });

  it.each([
    ['a missing argument', ['--dry-run'], /^missing <job>$/],
    ['one argument too many', ['repair', 'purge'], /^unexpected argument 'purge'$/],
    ['an unknown option', ['repair', '--bogus'], /--bogus/],
  ])('refuses %s of a command with a positional argument, naming it', (_case, argv, message) => {
    const parsed = parseCommandArgs(RUN, argv);

    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.message).toMatch(message);
  });

  it.each([
    ['--help alone', ['--help']],
    ['-h', ['-h']],
    ['--help among other options', ['--name', 'lamp', '--help']],
    ['--help with an unknown option', ['--bogus', '--help']],
    ['--help without the required options', ['--help', '--count', '3']],
  ])('answers help for %s, whatever else is given', (_case, argv) => {
    expect(parseCommandArgs(CREATE, argv)).toEqual({ kind: 'help' });
  });

  it('takes --help after the -- terminator as an argument, not as help', () => {
    expect(parseCommandArgs(CREATE, ['--name', 'lamp', '--', '--help'])).toMatchObject({
      kind: 'invalid',
    });
  });

  it.each([
    ['an unknown option', ['--name', 'lamp', '--bogus'], /--bogus/],
    ['a stray argument', ['--name', 'lamp', 'extra'], /extra/],
    ['a string option without its value', ['--name'], /--name/],
    ['a value given to a boolean option', ['--name', 'lamp', '--dry-run=yes'], /--dry-run/],
    ['a missing required option', ['--count', '3'], /^missing --name$/],
  ])('refuses %s, naming it', (_case, argv, message) => {
    const parsed = parseCommandArgs(CREATE, argv);

    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.message).toMatch(message);
  });
});

describe(readCommandArgs.name, () => {
  const io = () => {
    const written = { out: '', err: '' };
    return {
      written,
      out: { write: (text: string) => (written.out += text) },
      err: { write: (text: string) => (written.err += text) },
    };
  };

  it('prints the usage on out and answers exit 0 for --help', () => {
    const sut = io();

    expect(readCommandArgs(CREATE, ['-h'], sut)).toEqual({ exitCode: 0 });
    expect(sut.written).toEqual({ out: commandUsage(CREATE), err: '' });
  });

  it('prints the problem and the usage on err and answers exit 2 for bad arguments', () => {
    const sut = io();

    expect(readCommandArgs(CREATE, ['--bogus'], sut)).toEqual({ exitCode: 2 });
    expect(sut.written.out).toBe('');
    expect(sut.written.err).toMatch(/--bogus/);
    expect(sut.written.err).toContain(commandUsage(CREATE));
  });
});

describe(resolveInvocation.name, () => {
  it.each([
    ['nothing', []],
    ['--help', ['--help']],
    ['-h', ['-h']],
    ['help', ['help']],
  ])('lists every command for %s, exit 0', (_case, argv) => {
    const invocation = resolveInvocation(COMMANDS, argv);

    expect(invocation).toMatchObject({ kind: 'exit', code: 0 });
    const out = invocation.kind === 'exit' ? (invocation.out ?? '') : '';
    expect(out).toMatch(/^usage: cli <command>/);
    expect(out).toMatch(/things create +create a thing\n/);
    expect(out).toMatch(/things list +list the things\n/);
    expect(out).toMatch(/config check +check the configuration\n/);
  });

  it.each([
    ['help <words>', ['help', 'things', 'create']],
    ['<words> --help', ['things', 'create', '--help']],
    ['<words> -h with other options', ['things', 'create', '--name', 'lamp', '-h']],
  ])("prints one command's usage for %s, exit 0", (_case, argv) => {
    expect(resolveInvocation(COMMANDS, argv)).toEqual({
      kind: 'exit',
      code: 0,
      out: commandUsage(CREATE),
    });
  });

  it("lists a group's commands for help <group> and <group> --help, exit 0", () => {
    for (const argv of [
      ['help', 'things'],
      ['things', '--help'],
    ]) {
      const invocation = resolveInvocation(COMMANDS, argv);
      expect(invocation).toMatchObject({ kind: 'exit', code: 0 });
      const out = invocation.kind === 'exit' ? (invocation.out ?? '') : '';
      expect(out).toContain('things create');
      expect(out).not.toContain('config check');
    }
  });

  it('refuses a group without its command with the group list, exit 2', () => {
    const invocation = resolveInvocation(COMMANDS, ['things']);

    expect(invocation).toMatchObject({ kind: 'exit', code: 2 });
    expect(invocation.kind === 'exit' && invocation.err).toMatch(/^things needs a command/);
  });

  it.each([
    ['an unknown command', ['things', 'destroy']],
    ['an unknown command after help', ['help', 'things', 'destroy']],
  ])('refuses %s naming it, with the list, exit 2', (_case, argv) => {
    const invocation = resolveInvocation(COMMANDS, argv);

    expect(invocation).toMatchObject({ kind: 'exit', code: 2 });
    const err = invocation.kind === 'exit' ? (invocation.err ?? '') : '';
    expect(err).toMatch(/^unknown command: things destroy\n/);
    expect(err).toContain('things list');
  });

  it("refuses a command's unknown option with the problem and its usage, exit 2", () => {
    const invocation = resolveInvocation(COMMANDS, ['config', 'check', '--verbose']);

    expect(invocation).toMatchObject({ kind: 'exit', code: 2 });
    const err = invocation.kind === 'exit' ? (invocation.err ?? '') : '';
    expect(err).toMatch(/--verbose/);
    expect(err).toContain(commandUsage(CHECK));
  });

  it('hands a command its arguments after its words when they parse', () => {
    expect(resolveInvocation(COMMANDS, ['things', 'create', '--name', 'lamp'])).toEqual({
      kind: 'run',
      name: 'things create',
      command: COMMANDS['things create'],
      argv: ['--name', 'lamp'],
    });
  });
});
