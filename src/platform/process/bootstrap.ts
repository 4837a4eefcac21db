import { ConfigError, loadConfig, type AppConfig } from '../../config/config.js';

/** EX_CONFIG from sysexits.h: the orchestrator sees a configuration error, not a crash. */
const EXIT_CONFIG = 78;

/** Reads the configuration once; a bad variable stops the process with a message naming it. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${error.message}\nSee .env.example for every variable and its meaning.\n`,
      );
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

/** A listen error a person can act on: which port, and which variable moves it. */
export function describeListenError(
  error: unknown,
  port: number,
  variable: string,
): string | undefined {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return `Port ${port} is already in use. Stop what holds it or set ${variable}.`;
  if (code === 'EACCES')
    return `Not allowed to listen on port ${port}. Set ${variable} to a port above 1024.`;
  return undefined;
}
