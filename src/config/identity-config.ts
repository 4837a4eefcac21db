import { z } from 'zod';

/**
 * The identity verification providers' variables (issue 13), beside the main schema so the
 * provider configuration reads as one piece. In local mode every default points at the loopback
 * stubs the launcher starts, with the credentials the stubs check; in aws mode each provider
 * named in IDENTITY_PROVIDERS needs its credentials (Secrets Manager feeds them).
 */

const IDENTITY_PROVIDER_NAMES = ['nice', 'danal'] as const;
type IdentityProviderName = (typeof IDENTITY_PROVIDER_NAMES)[number];

const port = z.coerce.number().int().min(1).max(65_535);
const url = z.url({ message: 'expected an absolute URL such as https://svc.niceapi.co.kr:22001' });
const secret = z.string().min(1);

export const IDENTITY_ENV = {
  // Preference order; the next one is used while the first is failing. Empty: none (503, and
  // operators verify by hand).
  IDENTITY_PROVIDERS: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .refine(
      (names) =>
        names.every((n) => (IDENTITY_PROVIDER_NAMES as readonly string[]).includes(n)) &&
        new Set(names).size === names.length,
      { message: "expected provider names separated by commas, each once: 'nice,danal'" },
    )
    .transform((names) => names as IdentityProviderName[])
    .optional(),
  NICE_API_URL: url.optional(),
  NICE_WINDOW_URL: url.optional(),
  NICE_CLIENT_ID: secret.optional(),
  NICE_CLIENT_SECRET: secret.optional(),
  NICE_PRODUCT_ID: z
    .string()
    .regex(/^\d{1,20}$/, { message: 'expected NICE product id digits' })
    .optional(),
  DANAL_UAS_URL: url.optional(),
  DANAL_WINDOW_URL: url.optional(),
  DANAL_CPID: secret.optional(),
  DANAL_CPPWD: secret.optional(),
  DANAL_CP_TITLE: z.string().min(1).max(100).default('workmatch'),
  // Our public callback route's prefix, where the providers send the browser back (a state
  // segment follows). Local default: the API on loopback; unset in aws mode: the providers return
  // to the app's URL and the app confirms through the member route.
  IDENTITY_CALLBACK_URL: z
    .url({ protocol: /^https?$/, message: 'expected the absolute URL of the callback route' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  // The app origins the callback may send the browser back to (comma-separated), so the callback
  // cannot be made an open redirect. Required in aws mode with IDENTITY_CALLBACK_URL; unset
  // locally: any.
  IDENTITY_RETURN_ORIGINS: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.every((o) => URL.canParse(o) && new URL(o).origin === o), {
      message: 'expected origins such as https://app.workmatch.kr, separated by commas',
    })
    .optional(),
  LOCAL_NICE_PORT: port.default(9350),
  LOCAL_DANAL_PORT: port.default(9351),
};

type IdentityEnv = z.infer<z.ZodObject<typeof IDENTITY_ENV>> & {
  APP_MODE: 'local' | 'aws';
  PORT: number;
};

/** What the local stubs accept; the launcher starts them with these. */
const LOCAL_IDENTITY_DEFAULTS = {
  nice: { clientId: 'stub-client-id', clientSecret: 'stub-client-secret', productId: '2101979031' },
  danal: { cpId: 'B010000000', cpPwd: 'stub-cp-password' },
} as const;

const PRODUCTION = {
  niceApi: 'https://svc.niceapi.co.kr:22001',
  niceWindow: 'https://nice.checkplus.co.kr/CheckPlusSafeModel/service.cb',
  danalUas: 'https://uas.teledit.com/uas/',
  danalWindow: 'https://wauth.teledit.com/Danal/WebAuth/Web/Start.php',
} as const;

export interface IdentityConfig {
  /** Preference order. */
  providers: readonly IdentityProviderName[];
  nice: {
    apiUrl: string;
    windowUrl: string;
    clientId: string;
    /** Secret. */
    clientSecret: string;
    productId: string;
  };
  danal: {
    uasUrl: string;
    windowUrl: string;
    cpId: string;
    /** Secret. */
    cpPwd: string;
    cpTitle: string;
  };
  /**
   * The prefix of our public callback route (`…/identity-verifications/callback`), or undefined:
   * the providers then return to the app's URL and the app confirms through the member route.
   */
  callbackUrl: string | undefined;
  /** The origins a start's `returnUrl` may have; undefined: any (local mode). */
  returnOrigins: readonly string[] | undefined;
  /** Where the launcher starts the stubs (local mode). */
  localPorts: { nice: number; danal: number };
}

const REQUIRED: Record<IdentityProviderName, Array<[keyof IdentityEnv, string]>> = {
  nice: [
    ['NICE_CLIENT_ID', "the NICE API app's client id"],
    ['NICE_CLIENT_SECRET', "the NICE API app's client secret"],
    ['NICE_PRODUCT_ID', 'the NICE 본인확인 product id'],
  ],
  danal: [
    ['DANAL_CPID', 'the Danal CPID'],
    ['DANAL_CPPWD', 'the Danal CPPWD'],
  ],
};

/** In aws mode, each provider in IDENTITY_PROVIDERS needs its credentials. */
export function refineIdentityEnv(env: IdentityEnv, ctx: z.RefinementCtx): void {
  if (env.APP_MODE !== 'aws') return;
  if (env.IDENTITY_CALLBACK_URL && !env.IDENTITY_RETURN_ORIGINS) {
    ctx.addIssue({
      code: 'custom',
      path: ['IDENTITY_RETURN_ORIGINS'],
      message:
        'required in aws mode with IDENTITY_CALLBACK_URL: the app origins the callback may redirect to',
    });
  }
  for (const provider of env.IDENTITY_PROVIDERS ?? []) {
    for (const [name, what] of REQUIRED[provider]) {
      if (env[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `required in aws mode while IDENTITY_PROVIDERS names ${provider}: ${what}`,
        });
      }
    }
  }
}

export function identityConfig(e: IdentityEnv): IdentityConfig {
  const local = e.APP_MODE === 'local';
  const nice = `http://127.0.0.1:${e.LOCAL_NICE_PORT}`;
  const danal = `http://127.0.0.1:${e.LOCAL_DANAL_PORT}`;
  return {
    providers: e.IDENTITY_PROVIDERS ?? (local ? ['nice', 'danal'] : []),
    nice: {
      apiUrl: e.NICE_API_URL ?? (local ? nice : PRODUCTION.niceApi),
      windowUrl:
        e.NICE_WINDOW_URL ??
        (local ? `${nice}/CheckPlusSafeModel/service.cb` : PRODUCTION.niceWindow),
      clientId: e.NICE_CLIENT_ID ?? LOCAL_IDENTITY_DEFAULTS.nice.clientId,
      clientSecret: e.NICE_CLIENT_SECRET ?? LOCAL_IDENTITY_DEFAULTS.nice.clientSecret,
      productId: e.NICE_PRODUCT_ID ?? LOCAL_IDENTITY_DEFAULTS.nice.productId,
    },
    danal: {
      uasUrl: e.DANAL_UAS_URL ?? (local ? `${danal}/uas/` : PRODUCTION.danalUas),
      windowUrl:
        e.DANAL_WINDOW_URL ??
        (local ? `${danal}/Danal/WebAuth/Web/Start.php` : PRODUCTION.danalWindow),
      cpId: e.DANAL_CPID ?? LOCAL_IDENTITY_DEFAULTS.danal.cpId,
      cpPwd: e.DANAL_CPPWD ?? LOCAL_IDENTITY_DEFAULTS.danal.cpPwd,
      cpTitle: e.DANAL_CP_TITLE,
    },
    callbackUrl:
      e.IDENTITY_CALLBACK_URL ??
      (local ? `http://127.0.0.1:${e.PORT}/identity-verifications/callback` : undefined),
    returnOrigins: e.IDENTITY_RETURN_ORIGINS,
    localPorts: { nice: e.LOCAL_NICE_PORT, danal: e.LOCAL_DANAL_PORT },
  };
}
