import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/internal';
import type { Role } from '../auth/principal.js';
import { routeClassOf, routeRolesOf, type RouteClass } from '../auth/route-class.decorator.js';
import { API_DOC, type ApiDocOptions } from './api-doc.decorator.js';

const HTTP_METHODS: Partial<Record<RequestMethod, 'get' | 'post' | 'put' | 'patch' | 'delete'>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

export interface RouteDescription {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/shifts/{id}`. */
  path: string;
  controller: Type;
  handlerName: string;
  doc: ApiDocOptions | undefined;
  routeClass: RouteClass;
  /** The roles a member route is narrowed to, if any. */
  roles?: readonly Role[];
}

function joinPath(...parts: string[]): string {
  const joined = `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function asPaths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : '/'];
}

/**
 * Every HTTP route of the given controllers, as Nest registers them, with its route class:
 * the one table the OpenAPI document, the route-access check and routes.json are read from.
 * Throws if a route has no class or two.
 */
export function describeRoutes(controllers: Type[]): RouteDescription[] {
  const routes: RouteDescription[] = [];
  for (const controller of controllers) {
    const prefixes = asPaths(Reflect.getMetadata(PATH_METADATA, controller));
    const proto = controller.prototype as Record<string, unknown>;
    for (const handlerName of Object.getOwnPropertyNames(proto)) {
      const handler = proto[handlerName];
      if (handlerName === 'constructor' || typeof handler !== 'function') continue;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as
        RequestMethod | undefined;
      if (requestMethod === undefined) continue;
      const method = HTTP_METHODS[requestMethod];
      // Fail closed: a route the table cannot describe would get no access check (route-access.ts).
      if (!method) {
        throw new Error(
          `${controller.name}.${handlerName} uses ${RequestMethod[requestMethod]}, which the route table does not describe`,
        );
      }
      const doc = Reflect.getMetadata(API_DOC, handler) as ApiDocOptions | undefined;
      for (const prefix of prefixes) {
        for (const sub of asPaths(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({
            method,
            path: joinPath(prefix, sub),
            controller,
            handlerName,
            doc,
            routeClass: routeClassOf(controller, handlerName),
            roles: routeRolesOf(controller, handlerName),
          });
        }
      }
    }
  }
  return routes;
}
