import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ValidationError, type FieldIssue } from '../errors/domain.error.js';

/**
 * A DTO class carrying its zod schema: `class CreateShiftDto extends zodDto(CreateShift) {}`.
 * The class is only a type and a handle for the validation pipe and the OpenAPI builder; the
 * pipe hands the handler the parsed plain object. (nestjs-zod does this too, but its releases
 * declare Nest ≤ 11 as peer, and our route contracts also feed route classes and API Gateway.)
 */
export interface ZodDto<S extends z.ZodType = z.ZodType> {
  new (): z.output<S>;
  readonly schema: S;
  /**
   * A realistic request of this shape for the OpenAPI document, made when the document is built
   * (so dates can be in the future of that moment); a test parses every one with `schema`.
   */
  readonly example?: () => unknown;
}

export function zodDto<S extends z.ZodType>(
  schema: S,
  // Typed loosely: inside `extends zodDto(…)` the schema's input type cannot guide the literal
  // (TypeScript widens it); a test parses every example with its schema instead.
  options: { example?: () => unknown } = {},
): ZodDto<S> {
  // Top-level objects are made strict so an unknown field is an error, never silently dropped.
  const strict = (schema instanceof z.ZodObject ? schema.strict() : schema) as S;
  return class {
    static readonly schema = strict;
    static readonly example = options.example;
  } as unknown as ZodDto<S>;
}

export function isZodDto(value: unknown): value is ZodDto {
  return typeof value === 'function' && (value as { schema?: unknown }).schema instanceof z.ZodType;
}

const LOCATION: Record<ArgumentMetadata['type'], string> = {
  body: 'body',
  query: 'query',
  param: 'params',
  custom: 'request',
};

/**
 * What a refinement may put in a custom issue's `params`: a stable `code` for the field issue
 * (instead of zod's `custom`), a `kind` naming what was found, and `status: 422` when the value
 * is well-formed but refused by a rule (the request is then a 422 with that code, not a 400).
 */
interface IssueParams {
  code?: unknown;
  kind?: unknown;
  status?: unknown;
}

function paramsOf(issue: z.core.$ZodIssue): IssueParams {
  return issue.code === 'custom' ? ((issue.params ?? {}) as IssueParams) : {};
}

function toFieldIssues(location: string, error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        in: location,
        field: [...base, key].join('.'),
        message: 'Unknown field.',
        code: issue.code,
      }));
    }
    const params = paramsOf(issue);
    return [
      {
        in: location,
        field: base.join('.'),
        message: issue.message,
        code: typeof params.code === 'string' ? params.code : issue.code,
        ...(typeof params.kind === 'string' ? { kind: params.kind } : {}),
      },
    ];
  });
}

/**
 * A request whose every issue is a rule's refusal of a well-formed value (`status: 422`, one
 * code): a 422 with that code, naming each field (and what was found), never the value.
 */
function unprocessable(location: string, error: z.ZodError): DomainError | undefined {
  const codes = new Set(error.issues.map((issue) => paramsOf(issue)).map((p) => p.code));
  const all422 = error.issues.every((issue) => paramsOf(issue).status === 422);
  const [code] = codes;
  if (!all422 || codes.size !== 1 || typeof code !== 'string') return undefined;
  const issues = toFieldIssues(location, error);
  const detail = issues.map((issue) => `${issue.in}.${issue.field}: ${issue.message}`).join(' ');
  return new DomainError('unprocessable', code, detail, { errors: issues });
}

/** Parses every `@Body()`, `@Query()` and `@Param()` whose declared type is a zod DTO. */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!isZodDto(metadata.metatype)) return value;
    const result = metadata.metatype.schema.safeParse(value);
    if (result.success) return result.data;
    const location = LOCATION[metadata.type];
    throw (
      unprocessable(location, result.error) ??
      new ValidationError(toFieldIssues(location, result.error))
    );
  }
}
