import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors/domain.error.js';

/**
 * A DTO class carrying its zod schema: `class CreateShiftDto extends zodDto(CreateShift) {}`.
 * The class is only a type and a handle for the validation pipe and the OpenAPI builder; the
 * pipe hands the handler the parsed plain object. (nestjs-zod does this too, but its releases
 * declare Nest ≤ 11 as peer, and our route contracts also feed route classes and API Gateway.)
 */
export interface ZodDto<S extends z.ZodType = z.ZodType> {
  new (): z.output<S>;
  readonly schema: S;
}

export function zodDto<S extends z.ZodType>(schema: S): ZodDto<S> {
  // Top-level objects are made strict so an unknown field is an error, never silently dropped.
  const strict = (schema instanceof z.ZodObject ? schema.strict() : schema) as S;
  return class {
    static readonly schema = strict;
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

export function toFieldIssues(location: string, error: z.ZodError): FieldIssue[] {
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
    return [{ in: location, field: base.join('.'), message: issue.message, code: issue.code }];
  });
}

/** Parses every `@Body()`, `@Query()` and `@Param()` whose declared type is a zod DTO. */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!isZodDto(metadata.metatype)) return value;
    const result = metadata.metatype.schema.safeParse(value);
    if (result.success) return result.data;
    throw new ValidationError(toFieldIssues(LOCATION[metadata.type], result.error));
  }
}
