import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import type { ZodDto } from './zod-dto.js';

export const API_DOC = 'workmatch:api-doc';

export interface ApiResponseDoc {
  description: string;
  schema?: z.ZodType | ZodDto;
  /** Media type of the body; `application/json` unless said. */
  contentType?: string;
}

export interface ApiDocOptions {
  summary: string;
  description?: string;
  tags?: string[];
  /** Success responses by status. Problem responses are added from `problems`. */
  responses: Record<number, ApiResponseDoc>;
  /** Problem statuses this operation can answer besides 400 and 500 (e.g. 404, 409, 503). */
  problems?: number[];
  /** Accepts an `Idempotency-Key` header (writes a client may retry). */
  idempotent?: boolean;
}

/** Documents an operation; the OpenAPI document is built from these and the zod DTOs. */
export const ApiDoc = (options: ApiDocOptions) => SetMetadata(API_DOC, options);
