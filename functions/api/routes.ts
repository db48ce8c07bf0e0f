import type { Context } from 'aws-lambda';
import { apiHandler, HttpError, type HttpEvent, type JsonResult } from '#shared/http.ts';
import type { ApiResponses, ApiRoute } from './responses.ts';

/** Answers one route: JSON of the route's response type (or a body of its own, such as the report's CSV). */
type RouteHandler<R extends ApiRoute> = (event: HttpEvent, context: Context) => Promise<JsonResult<ApiResponses[R]>>;

/**
 * A function's handler as a table keyed by API Gateway's `routeKey` (`METHOD /path`, exactly as its RouteSpec
 * entries in lib/functions.ts declare them): each route has its own entry, anything else is a 404. `routeKeys`
 * lets a test hold the table to the RouteSpec entries.
 */
export function apiRoutes<R extends ApiRoute>(
  table: { [K in R]: RouteHandler<K> },
  options?: Parameters<typeof apiHandler>[1],
) {
  const routes: Partial<Record<string, RouteHandler<R>>> = table;
  const handler = apiHandler(async (event, context) => {
    const route = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
    if (!route) throw new HttpError(404, `no route ${event.routeKey}`);
    return route(event, context);
  }, options);
  return Object.assign(handler, { routeKeys: Object.keys(table) as R[] });
}
