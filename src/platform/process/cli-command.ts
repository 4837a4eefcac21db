import { parseArgs } from 'node:util';

/**
 * The CLI's commands, each declared once: its words, what it does, its options and an example.
 * The same declaration prints the usage and parses the arguments (`node:util` `parseArgs`,
 * strict), so the two cannot drift; `--help` and the refusal of an unknown option are answered
 * here, before a command loads configuration or opens anything.
 */

interface CliOption {
  type: 'string' | 'boolean';
  /** One line: what the option means. */
  description: string;
  /** The value's placeholder in the usage line (string options): `<address>`, `YYYY-MM`. */
  value?: string;
  /** A missing required option is refused like an unknown one (exit 2 with the usage). */
  required?: boolean;
}

export type CliOptions = Readonly<Record<string, CliOption>>;

/** A required positional argument, after the command's words: `jobs run <name>`. */
interface CliArgument {
  /** Its placeholder in the usage line, without the brackets: `name`. */
  name: string;
  /** One line: what it is. */
  description: string;
}

export interface CliCommand<O extends CliOptions = CliOptions> {
  /** The command's words, as typed: `members create-staff`. */
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** What it does, in a few lines (its effects, exit codes, what it needs). */
  description: string;
  options: O;
  /** Positional arguments, each required, in order; none unless declared. */
  arguments?: readonly CliArgument[];
  /** Full command lines a person can copy (`npm run cli -- …`). */
  examples: readonly string[];
}

/** The parsed values of a command's options. */
export type CliValues<O extends CliOptions> = {
  [K in keyof O]: O[K] extends { type: 'boolean' }
    ? boolean | undefined
    : O[K] extends { required: true }
      ? string
      : string | undefined;
};

export type ParsedCommandArgs<O extends CliOptions> =
  | { kind: 'help' }
  | { kind: 'invalid'; message: string }
  | { kind: 'ok'; values: CliValues<O>; positionals: string[] };

/** Keeps the literal option names, so `parseCommandArgs` returns typed values. */
export function defineCommand<const O extends CliOptions>(command: CliCommand<O>): CliCommand<O> {
  return command;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

function optionSynopsis(name: string, option: CliOption): string {
  const text = option.type === 'string' ? `--${name} ${option.value ?? '<value>'}` : `--${name}`;
  return option.required ? text : `[${text}]`;
}

/** A command's usage: synopsis, description, options, examples. */
export function commandUsage(command: CliCommand): string {
  const options = Object.entries(command.options);
  const positionals = command.arguments ?? [];
  const synopsis = [
    ...positionals.map((argument) => `<${argument.name}>`),
    ...options.map(([name, option]) => optionSynopsis(name, option)),
  ].join(' ');
  const rows: [string, string][] = [
    ...positionals.map((argument): [string, string] => [
      `<${argument.name}>`,
      argument.description,
    ]),
    ...options.map(([name, option]): [string, string] => [
      option.type === 'string' ? `--${name} ${option.value ?? '<value>'}` : `--${name}`,
      `${option.description}${option.required ? ' (required)' : ''}`,
    ]),
    ['-h, --help', 'print this help and run nothing'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return (
    `usage: cli ${command.name}${synopsis ? ` ${synopsis}` : ''}\n\n` +
    `${command.summary}\n` +
    (command.description ? `\n${command.description.trim()}\n` : '') +
    `\n${positionals.length ? 'arguments and options' : 'options'}:\n${rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n')}\n` +
    `\nexample${command.examples.length > 1 ? 's' : ''}:\n` +
    `${command.examples.map((e) => `  ${e}`).join('\n')}\n`
  );
}

/**
 * Parses a command's arguments (those after its words) against its declaration. `--help` or
 * `-h` anywhere wins over everything else; an unknown option, a stray or missing argument, a
 * missing value or a missing required option is `invalid` with a message naming it.
 */
export function parseCommandArgs<O extends CliOptions>(
  command: CliCommand<O>,
  argv: readonly string[],
): ParsedCommandArgs<O> {
  const lenient = parseArgs({
    args: [...argv],
    options: HELP,
    strict: false,
    allowPositionals: true,
  });
  if (lenient.values.help === true) return { kind: 'help' };
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, option]) => [name, { type: option.type }]),
  );
  const declared = command.arguments ?? [];
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: declared.length > 0,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (error) {
    // parseArgs reports unknown options, stray arguments and missing values as TypeErrors
    // with an ERR_PARSE_ARGS_* code and a message naming the argument.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      return { kind: 'invalid', message: (error as Error).message };
    }
    throw error;
  }
  if (positionals.length > declared.length) {
    return { kind: 'invalid', message: `unexpected argument '${positionals[declared.length]}'` };
  }
  const missing = [
    ...declared.slice(positionals.length).map((argument) => `<${argument.name}>`),
    ...Object.entries(command.options)
      .filter(([name, option]) => option.required && values[name] === undefined)
      .map(([name]) => `--${name}`),
  ];
  if (missing.length > 0) {
    return { kind: 'invalid', message: `missing ${missing.join(', ')}` };
  }
  return { kind: 'ok', values: values as CliValues<O>, positionals };
}

interface Writer {
  write(text: string): unknown;
}

/** Refuses a command's arguments: the problem, then its usage, on stderr; exit code 2. */
export function usageError(command: CliCommand, err: Writer, problem: string): 2 {
  err.write(`${problem}\n\n${commandUsage(command)}`);
  return 2;
}

/**
 * A command module's arguments: its values, or the exit code once the usage is printed (`--help`:
 * 0 on `out`; invalid: 2 on `err`). The CLI answers both before the module runs; a module called
 * directly (tests, the scheduler) gets the same answers.
 */
export function readCommandArgs<O extends CliOptions>(
  command: CliCommand<O>,
  argv: readonly string[],
  io: { out: Writer; err: Writer },
): { values: CliValues<O>; positionals: string[] } | { exitCode: number } {
  const parsed = parseCommandArgs(command, argv);
  if (parsed.kind === 'ok') return { values: parsed.values, positionals: parsed.positionals };
  if (parsed.kind === 'help') {
    io.out.write(commandUsage(command));
    return { exitCode: 0 };
  }
  return { exitCode: usageError(command, io.err, parsed.message) };
}

/** What `cli …` should do: print and exit, or run a command with its arguments. */
export type Invocation<C> =
  | { kind: 'exit'; code: number; out?: string; err?: string }
  | { kind: 'run'; name: string; command: C; argv: string[] };

/** Every command is two words (`db migrate`); the arguments follow them. */
const COMMAND_WORDS = 2;

function isHelpFlag(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h';
}

/** The list of commands (or of one group's, `db …`), one line each. */
function commandList(commands: Record<string, { spec: CliCommand }>, group?: string): string {
  const names = Object.keys(commands).filter((name) => !group || name.startsWith(`${group} `));
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${commands[name]?.spec.summary}`);
  return (
    'usage: cli <command> [options]\n' +
    '       cli help <command>     (or cli <command> --help) for its options and an example\n\n' +
    `commands${group ? ` (${group})` : ''}:\n${lines.join('\n')}\n`
  );
}

/**
 * Reads `cli`'s arguments: the list (`cli`, `cli --help`, `cli help`), one command's usage
 * (`cli help db migrate`, `cli db migrate --help`), a group's list (`cli help db`, `cli db`),
 * a refusal (unknown command or option: exit 2), or the command to run. Nothing here loads
 * configuration or touches anything outside.
 */
export function resolveInvocation<C extends { spec: CliCommand }>(
  commands: Record<string, C>,
  argv: readonly string[],
): Invocation<C> {
  const [first, ...rest] = argv;
  const isGroup = (word: string | undefined) =>
    word !== undefined && Object.keys(commands).some((name) => name.startsWith(`${word} `));
  if (first === undefined || isHelpFlag(first)) {
    return { kind: 'exit', code: 0, out: commandList(commands) };
  }
  if (first === 'help') {
    const words = rest.filter((word) => !isHelpFlag(word));
    const name = words.join(' ');
    const named = commands[name];
    if (!name) return { kind: 'exit', code: 0, out: commandList(commands) };
    if (named) return { kind: 'exit', code: 0, out: commandUsage(named.spec) };
    if (words.length === 1 && isGroup(name)) {
      return { kind: 'exit', code: 0, out: commandList(commands, name) };
    }
    return { kind: 'exit', code: 2, err: `unknown command: ${name}\n\n${commandList(commands)}` };
  }
  const name = argv.slice(0, COMMAND_WORDS).join(' ');
  const command = commands[name];
  if (!command) {
    if (isGroup(first) && (rest.length === 0 || isHelpFlag(rest[0]))) {
      const asked = isHelpFlag(rest[0]);
      return {
        kind: 'exit',
        code: asked ? 0 : 2,
        ...(asked
          ? { out: commandList(commands, first) }
          : { err: `${first} needs a command:\n\n${commandList(commands, first)}` }),
      };
    }
    return { kind: 'exit', code: 2, err: `unknown command: ${name}\n\n${commandList(commands)}` };
  }
  const args = argv.slice(COMMAND_WORDS);
  const parsed = parseCommandArgs(command.spec, args);
  if (parsed.kind === 'help') return { kind: 'exit', code: 0, out: commandUsage(command.spec) };
  if (parsed.kind === 'invalid') {
    let err = '';
    usageError(command.spec, { write: (text: string) => (err += text) }, parsed.message);
    return { kind: 'exit', code: 2, err };
  }
  return { kind: 'run', name, command, argv: args };
}
