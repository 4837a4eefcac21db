import type { components } from './schema.js';

type ProblemBody = components['schemas']['Problem'];

/**
 * An answer of the API that is not a success, as the API sends it: RFC 9457 problem+json with a
 * stable `code` (the console branches on it and words it in its own languages), or no answer at
 * all (`network_error`).
 */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The API's own sentence (English): shown only where no message of ours fits. */
    readonly detail: string,
    /** The problem's extensions, e.g. the `session` of new_password_required. */
    readonly extensions: Record<string, unknown> = {},
    readonly errors: NonNullable<ProblemBody['errors']> = [],
    /** From Retry-After (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${code}`);
    this.name = 'ApiProblem';
  }
}

/** The problem of a failed answer (`error` as openapi-fetch parsed the body). */
function problemOf(response: Response, error: unknown): ApiProblem {
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
  if (!isProblemBody(error)) {
    return new ApiProblem(
      response.status,
      `http_${response.status}`,
      response.statusText,
      {},
      [],
      retryAfterSeconds,
    );
  }
  const {
    type: _type,
    title: _title,
    status: _status,
    detail,
    code,
    errors,
    ...extensions
  } = error;
  return new ApiProblem(response.status, code, detail, extensions, errors ?? [], retryAfterSeconds);
}

/** No answer: the API or the network is down. */
function networkProblem(): ApiProblem {
  return new ApiProblem(0, 'network_error', 'The API could not be reached.');
}

function isProblemBody(value: unknown): value is ProblemBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ProblemBody).code === 'string' &&
    typeof (value as ProblemBody).detail === 'string'
  );
}

/**
 * The data of an openapi-fetch call, or its problem thrown (TanStack Query and the forms catch
 * it): one shape for every screen.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkProblem();
  }
  if (!result.response.ok) throw problemOf(result.response, result.error);
  return result.data as T;
}
