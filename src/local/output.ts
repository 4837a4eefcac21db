/** One line of launcher output, already prefixed. */
export type LineSink = (line: string) => void;

const COLORS: Record<string, number> = {
  stack: 1, // bold
  db: 92,
  cognito: 32,
  s3: 33,
  sqs: 34,
  api: 36,
  worker: 35,
  migrate: 90,
};

const WIDTH = Math.max(...Object.keys(COLORS).map((name) => name.length));

export interface Prefixer {
  /** Prefixes every line of `text` with the source's colored name and sends it on. */
  (source: string, text: string): void;
}

/** Whether to color: the terminal says so, NO_COLOR forbids, FORCE_COLOR insists. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function createPrefixer(sink: LineSink, color: boolean): Prefixer {
  return (source, text) => {
    const name = source.padEnd(WIDTH);
    const code = COLORS[source] ?? 37;
    const prefix = color ? `\u001b[${code}m${name} |\u001b[0m` : `${name} |`;
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) sink(`${prefix} ${line}`);
  };
}
