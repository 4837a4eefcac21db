import { readFile, writeFile } from 'node:fs/promises';
import { Controller, Get, Post } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { FEATURE_MODULES } from '../../app.module.js';
import { buildRouteManifest, controllersOf } from './route-manifest.js';
import { Admin, Member, Public } from './route-class.decorator.js';

const MANIFEST = new URL('../../../infra/routes.json', import.meta.url);

describe('route classes', () => {
  it('gives every route of the API exactly one class', () => {
    const controllers = controllersOf(FEATURE_MODULES);
    expect(controllers.length).toBeGreaterThan(0);
    expect(() => buildRouteManifest(controllers)).not.toThrow();
  });

  it('refuses a route without a class', () => {
    @Controller('bare')
    class BareController {
      @Get()
      list() {}
    }
    expect(() => buildRouteManifest([BareController])).toThrow(
      'BareController.list declares no route class',
    );
  });

  it('refuses a route whose controller and handler both declare a class', () => {
    @Member()
    @Controller('twice')
    class TwiceController {
      @Admin()
      @Post()
      create() {}
    }
    expect(() => buildRouteManifest([TwiceController])).toThrow(
      /two route classes: member \(controller\) and admin/,
    );
  });

  it('refuses two classes on one handler as soon as the code loads', () => {
    expect(() => {
      class Twice {
        @Public()
        @Admin()
        handler() {}
      }
      return Twice;
    }).toThrow('Twice.handler declares two route classes');
  });

  it('lists the console’s files as public routes, for API Gateway to forward', () => {
    const { routes } = buildRouteManifest(controllersOf(FEATURE_MODULES));
    expect(routes.filter((r) => r.path.startsWith('/console'))).toEqual([
      { method: 'GET', path: '/console', class: 'public' },
      { method: 'GET', path: '/console/{proxy+}', class: 'public' },
    ]);
  });

  it('is written to infra/routes.json, which the CDK app reads (UPDATE_ROUTE_MANIFEST=1 rewrites it)', async () => {
    const manifest = `${JSON.stringify(buildRouteManifest(controllersOf(FEATURE_MODULES)), null, 2)}\n`;
    if (process.env.UPDATE_ROUTE_MANIFEST === '1') await writeFile(MANIFEST, manifest);
    expect(await readFile(MANIFEST, 'utf8')).toBe(manifest);
  });
});
