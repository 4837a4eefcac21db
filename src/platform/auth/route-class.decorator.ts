import type { Type } from '@nestjs/common';
import type { Role } from './principal.js';

/**
 * Who may call a route. Every route declares exactly one class; the same declaration drives the
 * in-app route-access check, the OpenAPI security of the operation and the API Gateway routes (routes.json),
 * so the three cannot drift.
 * - `public`: anyone (sign-up, login, provider callbacks, health).
 * - `member`: any signed-in user; ownership is checked in the service.
 * - `operator`: operators and admins.
 * - `admin`: admins only.
 * - `internal`: never exposed through API Gateway (called inside the VPC or on loopback).
 */
export type RouteClass = 'public' | 'member' | 'operator' | 'admin' | 'internal';

const ROUTE_CLASS = 'workmatch:route-class';

/**
 * Raw marker; prefer the named decorators below. A second class on the same handler or
 * controller is refused when the code loads; one on a controller and another on one of its
 * handlers is refused by the route table (see route-manifest.ts).
 */
function RouteClassOf(routeClass: RouteClass): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor?.value ?? target;
    const existing = Reflect.getMetadata(ROUTE_CLASS, holder) as RouteClass | undefined;
    if (existing) {
      const name = key
        ? `${(target as { constructor: { name: string } }).constructor.name}.${String(key)}`
        : (target as { name: string }).name;
      throw new Error(`${name} declares two route classes: ${existing} and ${routeClass}`);
    }
    Reflect.defineMetadata(ROUTE_CLASS, routeClass, holder);
  };
}

export const Public = () => RouteClassOf('public');
export const Member = () => RouteClassOf('member');
export const Operator = () => RouteClassOf('operator');
export const Admin = () => RouteClassOf('admin');
export const Internal = () => RouteClassOf('internal');

const ROUTE_ROLES = 'workmatch:route-roles';

/**
 * Narrows a `member` route to the roles it serves (`@Roles('worker')`): the route-access check refuses any
 * other role with 403 before the handler, its validation or its service run, so a wrong caller
 * never learns what the route would have said (a 503 of a provider, a 404 of a record). On the
 * controller or on a handler (the handler's wins). Documented as `x-roles`.
 */
export function Roles(...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(ROUTE_ROLES, roles, descriptor?.value ?? target);
  };
}

/** The roles a handler is narrowed to (its own, else its controller's), if any. */
export function routeRolesOf(controller: Type, handlerName: string): readonly Role[] | undefined {
  const handler = (controller.prototype as Record<string, object>)[handlerName];
  return ((handler && Reflect.getMetadata(ROUTE_ROLES, handler)) ??
    Reflect.getMetadata(ROUTE_ROLES, controller)) as readonly Role[] | undefined;
}

class RouteClassError extends Error {}

/** The route class of a handler: its own or its controller's, exactly one of them. */
export function routeClassOf(controller: Type, handlerName: string): RouteClass {
  const handler = (controller.prototype as Record<string, object>)[handlerName];
  const own = handler
    ? (Reflect.getMetadata(ROUTE_CLASS, handler) as RouteClass | undefined)
    : undefined;
  const inherited = Reflect.getMetadata(ROUTE_CLASS, controller) as RouteClass | undefined;
  const where = `${controller.name}.${handlerName}`;
  if (own && inherited) {
    throw new RouteClassError(
      `${where} declares two route classes: ${inherited} (controller) and ${own}`,
    );
  }
  const routeClass = own ?? inherited;
  if (!routeClass) throw new RouteClassError(`${where} declares no route class`);
  return routeClass;
}
