/**
 * Types of the console's modules that JSDoc cannot declare: a recursive alias, conditional and template types need
 * TypeScript's syntax. Only the type-check reads this file (and ../functions/api/responses.ts, types only, through
 * it); the browser never loads either and the console's route does not serve them.
 */
import type { ClientResponses, ClientRoute, RouteParams } from '../functions/api/responses.ts';

/** What a page is built from: a node, text, nothing, or a list of these (nested as deep as a page needs). */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** The routes the console calls and what each answers: the HR API's, typed by its handlers, and the local stack's clock. */
export type Responses = ClientResponses;
export type Route = ClientRoute;

/**
 * A request to `route`: a value for each of its path parameters, a query (unset values left out), a JSON body or a
 * file's bytes; `token` tries a token out instead of the session's, `accept` asks for a file instead of JSON.
 */
export type ApiRequest<R extends Route> = {
  query?: Record<string, string | undefined>;
  json?: unknown;
  file?: ArrayBuffer;
  token?: string;
  accept?: string;
} & RouteParams<R>;
