import { NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ConflictError, DomainError, ValidationError } from '../errors/domain.error.js';
import { DatabaseUnavailableError } from '../storage/errors.js';
import { toProblem } from './problem.js';

describe('toProblem', () => {
  it('maps a domain error kind to its status and keeps its stable code', () => {
    const sut = toProblem(new ConflictError('shift_full', 'The shift is full.'));
    expect(sut.status).toBe(409);
    expect(sut.body).toMatchObject({
      code: 'shift_full',
      detail: 'The shift is full.',
      title: 'Conflict',
    });
    expect(sut.body.type).toMatch(/\/shift_full$/);
  });

  it('lists each invalid field of a validation error', () => {
    const sut = toProblem(
      new ValidationError([
        { in: 'body', field: 'count', message: 'Expected a number', code: 'invalid_type' },
      ]),
    );
    expect(sut.status).toBe(400);
    expect(sut.body.errors).toEqual([
      { in: 'body', field: 'count', message: 'Expected a number', code: 'invalid_type' },
    ]);
  });

  it('answers 503 with Retry-After when the database is unreachable', () => {
    const sut = toProblem(new DatabaseUnavailableError('connect ECONNREFUSED'));
    expect(sut).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, unexpected: false });
    expect(sut.body.code).toBe('database_unavailable');
  });

  it('carries Retry-After from a rate-limit error', () => {
    const sut = toProblem(
      new DomainError('rate_limited', 'too_many_attempts', 'Slow down.', {}, 30),
    );
    expect(sut).toMatchObject({ status: 429, headers: { 'retry-after': '30' } });
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'malformed_json'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'empty_body'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large'],
  ])('maps Fastify %s to %i %s', (code, status, problemCode) => {
    const sut = toProblem(Object.assign(new Error('x'), { code, statusCode: status }));
    expect(sut.status).toBe(status);
    expect(sut.body.code).toBe(problemCode);
  });

  it('maps an unknown route to 404 not_found', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope')).body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('hides the message of an unexpected error and flags it for logging', () => {
    const sut = toProblem(new Error('secret detail: 010-1234-5678'));
    expect(sut).toMatchObject({ status: 500, unexpected: true });
    expect(JSON.stringify(sut.body)).not.toContain('010-1234-5678');
  });
});
