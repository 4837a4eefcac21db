import type { Type } from '@nestjs/common';
// The same metadata keys @nestjs/swagger reads; Nest exports them for its sibling packages.
import { ROUTE_ARGS_METADATA, RouteParamtypes } from '@nestjs/common/internal';
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import type { ApiResponseDoc } from './api-doc.decorator.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { describeRoutes, type RouteDescription } from './route-table.js';
import { isZodDto, type ZodDto } from './zod-dto.js';

const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable machine-readable code; clients branch on it.' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(
        z.object({
          in: z.string(),
          field: z.string(),
          message: z.string(),
          code: z.string(),
          kind: z.string().optional().meta({
            description: 'What was found, e.g. resident_registration_number (never the value)',
          }),
        }),
      )
      .optional()
      .meta({
        description:
          'Each invalid or unknown field (validation_failed), or each field refused by a rule ' +
          '(personal_data_in_free_text).',
      }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const SECURITY_SCHEME = 'cognito';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (malformed JSON, unknown or invalid fields)',
  401: 'Missing or invalid credentials',
  403: 'Not allowed for this caller',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported media type',
  422:
    'Idempotency-Key reused with a different body, free text holding a registration, card or ' +
    'account number (personal_data_in_free_text), or a rule refused the request',
  429: 'Too many requests',
  500: 'Unexpected server error',
  503: 'A dependency is unavailable; retry later',
};

const IDEMPOTENCY_HEADER_SCHEMA = z.string().min(1).max(255).meta({
  description: 'Makes a retried write safe: the same key and body replay the first response.',
});

interface RouteArg {
  index: number;
  data?: unknown;
}

function schemaOf(value: z.ZodType | { schema: z.ZodType } | undefined): z.ZodType | undefined {
  if (!value) return undefined;
  return value instanceof z.ZodType ? value : value.schema;
}

function responseContent(doc: ApiResponseDoc) {
  const schema = schemaOf(doc.schema);
  if (!schema) return { description: doc.description };
  return {
    description: doc.description,
    content: { [doc.contentType ?? 'application/json']: { schema } },
  };
}

/** A handler's decorated arguments (`@Body()`, `@Query()`, `@Param()`) with their declared types. */
function routeArguments(
  route: RouteDescription,
): { type: number; data: unknown; metatype: unknown }[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ??
    {}) as Record<string, RouteArg>;
  const paramTypes = (Reflect.getMetadata(
    'design:paramtypes',
    route.controller.prototype,
    route.handlerName,
  ) ?? []) as unknown[];
  return Object.entries(args).map(([key, arg]) => ({
    type: Number(key.split(':')[0]),
    data: arg.data,
    metatype: paramTypes[arg.index],
  }));
}

function operationFor(route: RouteDescription): ZodOpenApiOperationObject {
  const operation: ZodOpenApiOperationObject = {
    operationId: `${route.controller.name.replace(/Controller$/, '')}_${route.handlerName}`,
    summary: route.doc?.summary,
    description: route.doc?.description,
    tags: route.doc?.tags,
    responses: {},
  };
  const pathParams: Record<string, z.ZodType> = {};
  const requestParams: NonNullable<ZodOpenApiOperationObject['requestParams']> = {};
  for (const { type, data, metatype } of routeArguments(route)) {
    const dto = isZodDto(metatype) ? metatype.schema : undefined;
    if (type === RouteParamtypes.BODY && dto) {
      const example = isZodDto(metatype) ? metatype.example?.() : undefined;
      operation.requestBody = {
        required: true,
        content: {
          'application/json': { schema: dto, ...(example === undefined ? {} : { example }) },
        },
      };
    } else if (type === RouteParamtypes.QUERY && dto instanceof z.ZodObject) {
      requestParams.query = dto;
    } else if (type === RouteParamtypes.PARAM) {
      if (dto instanceof z.ZodObject) requestParams.path = dto;
      else if (typeof data === 'string') pathParams[data] = z.string();
    }
  }
  for (const name of route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
    if (!requestParams.path && name[1]) pathParams[name[1]] ??= z.string();
  }
  if (!requestParams.path && Object.keys(pathParams).length > 0)
    requestParams.path = z.object(pathParams);
  if (route.doc?.idempotent)
    requestParams.header = z.object({ 'idempotency-key': IDEMPOTENCY_HEADER_SCHEMA.optional() });
  if (Object.keys(requestParams).length > 0) operation.requestParams = requestParams;

  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, doc] of Object.entries(
    route.doc?.responses ?? { 200: { description: 'OK' } },
  )) {
    responses[status] = responseContent(doc);
  }
  const problems = new Set([400, 500, ...(route.doc?.problems ?? [])]);
  const signedIn = route.routeClass !== 'public' && route.routeClass !== 'internal';
  // The same declaration the route-access check enforces: a bearer token for member/operator/admin routes.
  operation.security = signedIn ? [{ [SECURITY_SCHEME]: [] }] : [];
  operation['x-route-class'] = route.routeClass;
  if (route.roles) operation['x-roles'] = [...route.roles];
  if (signedIn) [401, 403].forEach((s) => problems.add(s));
  if (route.doc?.idempotent) [409, 422].forEach((s) => problems.add(s));
  for (const status of [...problems].sort()) {
    responses[String(status)] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    };
  }
  operation.responses = responses as ZodOpenApiResponsesObject;
  return operation;
}

/** Every route's body DTO, by `METHOD /path` (what the document's examples are checked against). */
export function requestBodyDtos(controllers: Type[]): { route: string; dto: ZodDto }[] {
  const out: { route: string; dto: ZodDto }[] = [];
  for (const route of describeRoutes(controllers)) {
    for (const { type, metatype } of routeArguments(route)) {
      if (type === RouteParamtypes.BODY && isZodDto(metatype)) {
        out.push({ route: `${route.method.toUpperCase()} ${route.path}`, dto: metatype });
      }
    }
  }
  return out;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** Where the API is served (at least one). */
  servers: { url: string; description: string }[];
  /** Every tag the operations use, described. */
  tags: { name: string; description: string }[];
}

/** OpenAPI 3.1, generated from the routes and their zod schemas: one source of truth. */
export function buildOpenApiDocument(controllers: Type[], info: OpenApiInfo) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of describeRoutes(controllers)) {
    const item = (paths[route.path] ??= {});
    item[route.method] = operationFor(route);
  }
  const { servers, tags, ...about } = info;
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: { ...about, license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } },
    servers,
    tags,
    paths,
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito access token (POST /auth/login). Route classes: x-route-class.',
        },
      },
    },
  };
  return createDocument(document);
}
