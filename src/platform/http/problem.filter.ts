import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSecurityCode, securityWatch } from '../alerts/security-watch.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** Answers `exception` as a problem response, logging it as an error only when it is ours. */
export function sendProblem(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const problem = toProblem(exception);
  problem.body.instance = request.url.split('?', 1)[0];
  problem.body.requestId = request.id;

  if (problem.unexpected) {
    request.log.error(
      {
        err: exception,
        code: problem.body.code,
        // The route's template, not the URL: ids in paths are not for alerts to carry.
        route: `${request.method} ${request.routeOptions.url ?? '(no route)'}`,
      },
      'request failed unexpectedly',
    );
  } else {
    const { code } = problem.body;
    request.log.info(
      isSecurityCode(code)
        ? { category: 'security', status: problem.status, code }
        : { status: problem.status, code },
      'request refused',
    );
    securityWatch()?.refused(problem.body.code, request.log);
  }
  if (reply.sent) return;
  void reply
    .status(problem.status)
    .headers(problem.headers)
    .header(REQUEST_ID_HEADER, request.id)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.body));
}

/** The one place where anything thrown while serving a request becomes a problem response. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
