/**
 * Types of the console's modules that JSDoc cannot declare: a recursive alias needs TypeScript's syntax.
 * Only the type-check reads this file; the browser never loads it and the console's route does not serve it.
 */

/** What a page is built from: a node, text, nothing, or a list of these (nested as deep as a page needs). */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
