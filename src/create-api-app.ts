import fastifyCookie from '@fastify/cookie';
import { createRequire } from 'node:module';
import type { Type } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { AppModule } from './app.module.js';
import { describeRoutes } from './platform/http/route-table.js';
import { type Metrics, metrics } from './platform/metrics/metrics.js';
import { SecurityWatch, setSecurityWatch } from './platform/alerts/security-watch.js';
import type { AppConfig } from './config/config.js';
import { LazyChildLogger } from './platform/logging/lazy-child-logger.js';
import { PinoNestLogger } from './platform/logging/nest-logger.js';
import { MAX_HEADER_BYTES, registerAuthentication } from './platform/auth/authenticate.hook.js';
import { TokenVerifier } from './platform/auth/token-verifier.js';
import { Idempotency } from './platform/http/idempotency.js';
import { IdempotencyRepository } from './platform/http/idempotency.repository.js';
import { registerJsonBodyParser } from './platform/http/json-body.js';
import { registerFormBodyParser } from './platform/http/form-body.js';
import { MAX_PATH_PARAM_LENGTH } from './platform/http/limits.js';
import { registerConsoleFiles } from './platform/http/console-files.js';
import { buildOpenApiDocument } from './platform/http/openapi.js';
import { sendProblem } from './platform/http/problem.filter.js';
import { requestIdOf } from './platform/http/request-id.js';
import { registerRequestLifecycle } from './platform/http/request-lifecycle.js';
import { registerRouteAccess } from './platform/auth/route-access.js';
/** API Gateway (VPC link) and the ALB. */
const TRUSTED_PROXY_HOPS = 2;

/**
 * What Fastify logs about each request: a failure always, a slow request always, and a line per
 * completed request when the access log is on. The path only: query strings can carry personal
 * data. (The line costs ~4 µs, a fifth of a trivial request; in AWS, API Gateway's access log
 * records every request with the same id, so the app's line is off there by default.)
 */
class RequestLogController extends LogController {
  constructor(private readonly options: { accessLog: boolean; slowRequestMs: number }) {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const ms = reply.elapsedTime;
    recordRequest(request.routeAccess?.routeClass ?? 'none', reply.statusCode, ms);
    const slow = ms >= this.options.slowRequestMs;
    if (!error && !slow && !this.options.accessLog) return;
    const line = {
      category: 'access',
      method: request.method,
      path: request.url.split('?', 1)[0],
      status: reply.statusCode,
      ms: Math.round(ms * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else if (slow) reply.log.warn(line, 'slow request');
    else reply.log.info(line, 'request completed');
  }
}

/** Requests, their latency and their errors, by route class (EMF metrics, once a minute). */
const requestMetrics = new WeakMap<Metrics, Map<string, ReturnType<Metrics['handle']>>>();
function recordRequest(routeClass: string, status: number, ms: number): void {
  const sink = metrics();
  let handles = requestMetrics.get(sink);
  if (!handles) requestMetrics.set(sink, (handles = new Map()));
  let handle = handles.get(routeClass);
  if (!handle) handles.set(routeClass, (handle = sink.handle({ RouteClass: routeClass })));
  handle.count('Requests');
  handle.time('Latency', ms);
  if (status >= 500) handle.count('ServerErrors');
  else if (status >= 400) handle.count('ClientErrors');
}

/** The version in package.json, which the image ships beside dist/. */
function packageVersion(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version: string };
  return manifest.version;
}

/** What each tag of the document groups, for readers of the Swagger UI and the lint. */
const API_TAGS = [
  { name: 'auth', description: 'Sign-up, sign-in and passwords through Amazon Cognito' },
  { name: 'members', description: "The signed-in member's own record" },
  {
    name: 'workers',
    description: "A worker's profile, payout account, identity and qualifications",
  },
  { name: 'businesses', description: 'Businesses, their staff and block list (business members)' },
  { name: 'shifts', description: 'Shifts posted by businesses, browsed by workers' },
  { name: 'assignments', description: 'Applications and assignments of workers to shifts' },
  { name: 'eligibility', description: 'Whether a worker may be assigned to a shift, and why not' },
  {
    name: 'operator',
    description: 'For operators and admins: verifications, masked reads and audited reveals',
  },
  {
    name: 'files',
    description: 'Uploaded documents and photos: presigned S3 uploads, checked bytes, downloads',
  },
  { name: 'migration', description: 'The Firestore migration, for admins' },
  {
    name: 'privacy',
    description: 'The access records (접속기록) and their monthly review, for admins',
  },
  { name: 'health', description: 'Liveness and readiness for the load balancer and ECS' },
];

export interface ApiAppOptions {
  config: AppConfig;
  logger: Logger;
  /** More modules to mount (tests mount fixture controllers this way). */
  modules?: Type[];
}

/** Builds the whole API (not yet listening): the same app in production, locally and in tests. */
export async function createApiApp({
  config,
  logger,
  modules = [],
}: ApiAppOptions): Promise<NestFastifyApplication> {
  // Bursts of refused requests (forged tokens, failed logins, throttling) become alerts.
  setSecurityWatch(new SecurityWatch(config.alerts.securityThresholdPerMinute));
  const requestLog = new RequestLogController(config.log);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: requestLog,
    bodyLimit: config.http.bodyLimitBytes,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    genReqId: requestIdOf,
    // Each request's child logger is made on its first line (most requests write none). The
    // parent is `logger` (the loggerInstance) or a child of it: a pino logger.
    childLoggerFactory: (
      parent: FastifyBaseLogger,
      bindings: Bindings,
      options: ChildLoggerOptions,
    ) => new LazyChildLogger(parent as Logger, bindings, options),
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // Errors the router raises before any route (a path parameter too long, a malformed
    // percent-escape) are problems like every other error.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(error, request, reply),
    forceCloseConnections: 'idle',
    // In AWS a request reaches the task through API Gateway's VPC link and the private ALB:
    // trust exactly those two hops of X-Forwarded-For, so the client's IP is the one API Gateway
    // saw (an address a client writes into the header itself is never taken).
    trustProxy:
      config.mode === 'aws' ? (_address: string, hop: number) => hop < TRUSTED_PROXY_HOPS : false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger, modules),
    adapter,
    // bodyParser off: Nest would add a urlencoded parser, and this API takes JSON only.
    { logger: new PinoNestLogger(logger), abortOnError: false, bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Cookies for the operator console's session only (auth/console-session.controller.ts): set
  // there, and parsed there (`hook: false`), not on every request of the API.
  await app.register(fastifyCookie, { hook: false });
  // JSON bodies through our parser (charset, encoding, depth and UTF-16 checks around Fastify's
  // own, which enforces bodyLimit); plain text is refused with 415.
  registerJsonBodyParser(fastify);
  // The identity providers return the browser with a form post to the callback route only.
  registerFormBodyParser(fastify, ['/identity-verifications/callback/']);
  fastify.removeContentTypeParser('text/plain');

  const controllers = app
    .get(DiscoveryService)
    .getControllers()
    .map((wrapper) => wrapper.metatype as Type)
    .filter(Boolean);
  const routes = describeRoutes(controllers);
  registerAuthentication(fastify, app.get(TokenVerifier));
  registerRouteAccess(fastify, routes);
  registerRequestLifecycle(
    fastify,
    new Idempotency(app.get(IdempotencyRepository), config.http.idempotencyTtlSeconds),
  );

  await registerConsoleFiles(fastify, config.http.consoleDir);

  if (config.http.docsEnabled) {
    const document = buildOpenApiDocument(controllers, {
      title: 'workmatch API',
      version: packageVersion(),
      description:
        'Staffing marketplace backend: businesses verified against the NTS register post shifts; ' +
        'verified workers are assigned after an eligibility check; operators run the platform. ' +
        'Errors are RFC 9457 problem+json with a stable `code`; times are instants with an ' +
        'offset, shown in KST (+09:00).',
      servers: [
        config.mode === 'aws'
          ? { url: '/', description: 'This deployment (behind API Gateway)' }
          : { url: `http://127.0.0.1:${config.http.port}`, description: 'The local stack' },
      ],
      tags: API_TAGS,
    });
    const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
      import('@fastify/swagger'),
      import('@fastify/swagger-ui'),
    ]);
    await app.register(swagger, { mode: 'static', specification: { document: document as never } });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  await app.init();
  return app;
}
