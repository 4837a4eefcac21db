import type { Type } from '@nestjs/common';
import { CONSOLE_ROUTES } from '../http/console-files.js';
import { describeRoutes } from '../http/route-table.js';
import type { RouteClass } from './route-class.decorator.js';
import { EDGE_HEADER } from './route-access.js';

interface ManifestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway's form: `/shifts/{id}`. */
  path: string;
  class: RouteClass;
}

/** What the CDK app reads to create API Gateway routes and their authorizers. */
export interface RouteManifest {
  /** The header API Gateway must set on every request it forwards. */
  edgeHeader: string;
  /** Groups that satisfy each protected class (the JWT authorizer's scopes are not used). */
  classes: Record<Exclude<RouteClass, 'public' | 'internal'>, { groups: string[] }>;
  routes: ManifestRoute[];
}

/** Every route with its class; throws if any route has none or two. */
export function buildRouteManifest(controllers: Type[]): RouteManifest {
  const routes: ManifestRoute[] = [
    ...describeRoutes(controllers).map((route) => ({
      method: route.method.toUpperCase() as ManifestRoute['method'],
      path: route.path,
      class: route.routeClass,
    })),
    // The console's files: served by the app beside its controllers (console-files.ts).
    ...CONSOLE_ROUTES.map((route) => ({ ...route, class: 'public' as const })),
  ];
  routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return {
    edgeHeader: EDGE_HEADER,
    classes: {
      member: { groups: [] },
      operator: { groups: ['operator', 'admin'] },
      admin: { groups: ['admin'] },
    },
    routes,
  };
}

/** The controllers of a module tree, read from Nest's module metadata without instantiating it. */
export function controllersOf(modules: readonly unknown[]): Type[] {
  const seen = new Set<unknown>();
  const found: Type[] = [];
  const visit = (entry: unknown) => {
    const module = (entry as { module?: unknown })?.module ?? entry;
    if (!module || seen.has(module)) return;
    seen.add(module);
    const dynamic =
      entry !== module ? (entry as { imports?: unknown[]; controllers?: Type[] }) : {};
    for (const controller of [
      ...((Reflect.getMetadata('controllers', module as object) as Type[] | undefined) ?? []),
      ...(dynamic.controllers ?? []),
    ]) {
      if (!found.includes(controller)) found.push(controller);
    }
    for (const imported of [
      ...((Reflect.getMetadata('imports', module as object) as unknown[] | undefined) ?? []),
      ...(dynamic.imports ?? []),
    ]) {
      visit(imported);
    }
  };
  modules.forEach(visit);
  return found;
}
