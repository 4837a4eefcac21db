import { readFile, writeFile } from 'node:fs/promises';
import type { Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyDtos } from '../../src/platform/http/openapi.js';
import { MAX_PATH_PARAM_LENGTH } from '../../src/platform/http/limits.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * Every string a client can send is one of: a closed shape (a pattern, a format, an enum), free
 * text built with `freeText()` (which refuses registration, card and account numbers and is
 * marked `x-free-text`), or an opaque value we never store as written (`x-opaque`: passwords,
 * tokens, provider payloads). A new field that is none of these fails here, so it cannot skip
 * the personal data check by accident.
 */
type Schema = Record<string, unknown>;
interface Operation {
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

let api: TestApi;
let document: {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

beforeAll(async () => {
  api = await startTestApi();
  document = (await (await fetch(`${api.url}/docs/json`)).json()) as typeof document;
});
afterAll(() => api?.close());

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name] ?? {};
}

/** Every string schema under `schema`, with its path, walked without recursion. */
function stringsIn(root: Schema, at: string): { at: string; schema: Schema }[] {
  const found: { at: string; schema: Schema }[] = [];
  const stack: { at: string; schema: Schema }[] = [{ at, schema: root }];
  while (stack.length > 0) {
    const { at: here, schema: raw } = stack.pop()!;
    const schema = resolve(raw);
    const types = ([] as unknown[]).concat(schema.type ?? []);
    if (types.includes('string')) found.push({ at: here, schema });
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      for (const [i, part] of ((schema[key] as Schema[] | undefined) ?? []).entries())
        stack.push({ at: `${here}|${key}[${i}]`, schema: part });
    }
    for (const [name, child] of Object.entries((schema.properties as Record<string, Schema>) ?? {}))
      stack.push({ at: `${here}.${name}`, schema: child });
    if (schema.items) stack.push({ at: `${here}[]`, schema: schema.items as Schema });
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      stack.push({ at: `${here}{}`, schema: schema.additionalProperties as Schema });
    if (schema.propertyNames)
      stack.push({ at: `${here}{key}`, schema: schema.propertyNames as Schema });
  }
  return found;
}

function requestStrings() {
  const out: { at: string; schema: Schema; in: string }[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'header') continue;
        for (const found of stringsIn(
          parameter.schema ?? {},
          `${where} ${parameter.in}:${parameter.name}`,
        ))
          out.push({ ...found, in: parameter.in });
      }
      for (const content of Object.values(operation.requestBody?.content ?? {}))
        for (const found of stringsIn(content.schema, `${where} body`))
          out.push({ ...found, in: 'body' });
    }
  }
  return out;
}

const CLOSED = ['pattern', 'format', 'enum', 'const'];

describe('request fields', () => {
  it('finds the request strings of the whole API to check', () => {
    expect(requestStrings().length).toBeGreaterThan(50);
  });

  it('declares every request string as a closed shape, free text (with its check) or opaque', () => {
    const undeclared = requestStrings()
      .filter(({ schema }) => !CLOSED.some((key) => key in schema))
      .filter(({ schema }) => !('x-free-text' in schema) && !('x-opaque' in schema))
      .map(({ at }) => at);
    expect(undeclared).toEqual([]);
  });

  it('says of each free-text field whether it is public, about a person, or a purpose', () => {
    const kinds = new Set(
      requestStrings()
        .filter(({ schema }) => 'x-free-text' in schema)
        .map(({ schema }) => schema['x-free-text']),
    );
    expect([...kinds].sort()).toEqual(['personal', 'public', 'purpose']);
  });

  it('bounds every path parameter within what the router matches, so each allowed id is reachable', () => {
    const tooLong = requestStrings()
      .filter((s) => s.in === 'path')
      .filter(({ schema }) => !('enum' in schema))
      .filter(({ schema }) => !(Number(schema.maxLength) <= MAX_PATH_PARAM_LENGTH))
      .map(({ at }) => at);
    expect(tooLong).toEqual([]);
  });
});

const DOC = new URL('../../docs/personal-data.md', import.meta.url);
const START =
  '<!-- prettier-ignore-start -->\n<!-- free-text-fields:start (generated; do not edit) -->';
const END = '<!-- free-text-fields:end -->\n<!-- prettier-ignore-end -->';

const HOLDS: Record<string, string> = {
  public:
    'as written; registration, card and account numbers refused (422); a phone or email in it ' +
    "is the writer's own contact, masked in logs",
  personal: 'note ciphertext (its policy names the path); shown to staff masked',
  purpose: 'in the access record (접속기록), phones and emails masked; numbers refused (422)',
};

/** The free-text request fields, as docs/personal-data.md lists them. */
function renderFreeTextTable(): string {
  const rows = requestStrings()
    .filter(({ schema }) => 'x-free-text' in schema)
    .map(({ at, schema }) => {
      const [method, path, ...field] = at.split(' ');
      const name = field
        .join(' ')
        .replace(/^body\./, '')
        .replace(/\|(anyOf|oneOf|allOf)\[\d+\]/g, '');
      const holds = String(schema['x-free-text']);
      return `| \`${method} ${path}\` | \`${name}\` | ${holds} | ${HOLDS[holds] ?? '?'} |`;
    })
    .sort();
  return [
    START,
    '',
    '| Operation | Field | Holds | Stored |',
    '|---|---|---|---|',
    ...rows,
    '',
    END,
  ].join('\n');
}

describe('docs/personal-data.md', () => {
  it('lists every free-text request field and how it is kept (regenerate with UPDATE_PERSONAL_DATA_DOC=1)', async () => {
    const doc = await readFile(DOC, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    const table = renderFreeTextTable();
    if (process.env.UPDATE_PERSONAL_DATA_DOC && start >= 0 && end > start) {
      await writeFile(DOC, doc.slice(0, start) + table + doc.slice(end + END.length));
      return;
    }
    expect(start, 'the generated block is missing').toBeGreaterThanOrEqual(0);
    expect(doc.slice(start, end + END.length)).toBe(table);
  });
});

describe('request examples', () => {
  function bodies() {
    const controllers = api.app
      .get(DiscoveryService)
      .getControllers()
      .map((wrapper) => wrapper.metatype as Type)
      .filter(Boolean);
    return requestBodyDtos(controllers);
  }

  it('gives every request body a realistic example that its own schema accepts', () => {
    const found = bodies();
    expect(found.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const { route, dto } of found) {
      if (!dto.example) {
        problems.push(`${route}: no example`);
        continue;
      }
      const result = dto.schema.safeParse(dto.example());
      if (!result.success) problems.push(`${route}: ${result.error.message}`);
    }
    expect(problems).toEqual([]);
  });

  it('dates every example time in the future of the moment the document is built', () => {
    const now = Date.now();
    const past: string[] = [];
    for (const { route, dto } of bodies()) {
      const text = JSON.stringify(dto.example?.() ?? {});
      for (const [instant] of text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?[^"]*/g)) {
        if (new Date(instant).getTime() <= now) past.push(`${route}: ${instant}`);
      }
    }
    expect(past).toEqual([]);
  });

  it('puts the examples in the document', () => {
    const create = document.paths['/businesses/{businessId}/shifts']?.post as unknown as {
      requestBody: { content: { 'application/json': { example?: { title?: string } } } };
    };
    expect(create.requestBody.content['application/json'].example?.title).toBe(
      '주말 매장 정리 및 진열',
    );
  });
});
