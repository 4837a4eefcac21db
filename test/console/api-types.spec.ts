import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { FEATURE_MODULES } from '../../src/app.module.js';
import { controllersOf } from '../../src/platform/auth/route-manifest.js';
import { buildOpenApiDocument } from '../../src/platform/http/openapi.js';

const SCHEMA = new URL('../../console/src/api/schema.d.ts', import.meta.url);

/**
 * The document as the API builds it (src/create-api-app.ts), with what would vary from machine to
 * machine fixed: the version and the server. Neither the info nor the tags reach the types.
 */
function apiDocument() {
  return buildOpenApiDocument(controllersOf(FEATURE_MODULES), {
    title: 'workmatch API',
    version: '0.0.0-console',
    servers: [{ url: '/', description: 'The API that serves the console' }],
    tags: [],
  });
}

describe("the console's API types", () => {
  it('are console/src/api/schema.d.ts, generated from the OpenAPI document (UPDATE_CONSOLE_API_TYPES=1 rewrites it)', async () => {
    const nodes = await openapiTS(apiDocument() as never, { silent: true });
    const types =
      COMMENT_HEADER.replace(
        'Do not make direct changes to the file.',
        'Do not make direct changes to the file: UPDATE_CONSOLE_API_TYPES=1 npx vitest run ' +
          'test/console/api-types.spec.ts\n * writes it again from the routes.',
      ) + astToString(nodes);
    if (process.env.UPDATE_CONSOLE_API_TYPES === '1') await writeFile(SCHEMA, types);
    expect(await readFile(SCHEMA, 'utf8').catch(() => '')).toBe(types);
  });
});
