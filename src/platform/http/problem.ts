import { HttpException } from '@nestjs/common';
import { DomainError, type DomainErrorKind } from '../errors/domain.error.js';
import { DatabaseUnavailableError } from '../storage/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://workmatch.kr/problems/';

/** RFC 9457 problem details, with our stable `code` and the request id. */
interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export interface Problem {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
  /** True when the cause is ours (5xx other than a known outage): log it with its stack. */
  unexpected: boolean;
}

const KIND_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  bad_gateway: 502,
  gateway_timeout: 504,
  internal: 500,
};

const STATUS_TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const STATUS_CODE: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/** Fastify's own request errors (raised before a handler runs), by their `code`. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    detail: 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'empty_body',
    detail: 'The request says it carries JSON but its body is empty.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'Send the body as application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    detail: 'The request body is larger than this API accepts.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    detail: 'A path segment is longer than this API accepts.',
  },
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'bad_url',
    detail: 'The path is not a valid URL (a malformed percent-escape).',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    detail: 'The Content-Length header does not match the body.',
  },
};

function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemBody {
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: STATUS_TITLE[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    code,
    ...extensions,
  };
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/** Maps anything thrown while serving a request to the problem the client receives. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    const status = KIND_STATUS[error.kind];
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(error.retryAfterSeconds);
    return {
      status,
      body: problem(status, error.code, error.message, error.extensions),
      headers,
      unexpected: error.kind === 'internal',
    };
  }
  if (error instanceof DatabaseUnavailableError) {
    return {
      status: 503,
      body: problem(
        503,
        'database_unavailable',
        'The database cannot be reached; try again shortly.',
      ),
      headers: { 'retry-after': '5' },
      unexpected: false,
    };
  }
  // Nest wraps Fastify's own 4xx errors (body parsing) in an HttpException; map the original.
  const fastifyCause =
    error instanceof HttpException ? (error.cause as FastifyLikeError | undefined) : undefined;
  if (typeof fastifyCause?.code === 'string' && FASTIFY_ERRORS[fastifyCause.code])
    return toProblem(fastifyCause);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = STATUS_CODE[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    const detail = status === 404 ? 'No route matches this method and path.' : error.message;
    return { status, body: problem(status, code, detail), headers: {}, unexpected: status >= 500 };
  }
  const fastify = error as FastifyLikeError;
  if (typeof fastify?.code === 'string' && FASTIFY_ERRORS[fastify.code]) {
    const known = FASTIFY_ERRORS[fastify.code]!;
    return {
      status: known.status,
      body: problem(known.status, known.code, known.detail),
      headers: {},
      unexpected: false,
    };
  }
  if (
    typeof fastify?.statusCode === 'number' &&
    fastify.statusCode >= 400 &&
    fastify.statusCode < 500
  ) {
    const status = fastify.statusCode;
    const code = STATUS_CODE[status] ?? 'bad_request';
    return {
      status,
      body: problem(status, code, 'The request could not be processed.'),
      headers: {},
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: problem(500, 'internal_error', 'Something went wrong on our side; it has been logged.'),
    headers: {},
    unexpected: true,
  };
}
