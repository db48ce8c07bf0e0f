// @ts-check
/**
 * One of the API's long lists shown a page at a time: its filters and search, Previous and Next, a status line
 * saying what is shown (read out when it changes), and what an empty list says. Each page is one request of
 * `PAGE_SIZE` rows, whatever the size of the cycle; the cursors of the pages seen are kept, so Previous reads
 * the page before again. A cursor is bound to the filters it was read with: new filters start from page 1.
 */
import { clearErrors, errorBox, field, h, section, showErrors, table } from './dom.js';
import { plural } from './format.js';
/** @import { Child } from './types.js' */

/** Rows per page of a list. */
export const PAGE_SIZE = 25;

/**
 * @template T
 * @typedef {{ rows: T[], nextCursor?: string }} ListPage
 */
/**
 * @typedef {object} Filter
 * @property {string} name its query parameter
 * @property {string} label
 * @property {HTMLInputElement | HTMLSelectElement} control an empty value leaves the parameter out
 * @property {boolean} [chooses] it chooses which list is shown (a phase) rather than narrowing it
 */
/** @typedef {Record<string, string | undefined>} Query the filters in force, by query parameter */
/**
 * @template V
 * @typedef {V | ((query: Query) => V)} ByQuery a value, or one that follows the filters in force
 */

/**
 * A section with a paged, filterable list.
 * @template T
 * @param {object} list
 * @param {string} list.title the section's heading
 * @param {string} list.caption the table's caption (it names the table's scrolling region)
 * @param {string[]} list.headers
 * @param {(row: T) => Child[]} list.row one row's cells
 * @param {{ numeric?: number[], nowrap?: number[], rowHeaders?: boolean, wide?: boolean }} [list.options]
 * @param {ByQuery<[string, string]>} list.noun one and many of what the list shows, e.g. ['person overdue', 'people overdue']
 * @param {ByQuery<string>} list.empty what the list says when nothing at all is in it
 * @param {Filter[]} [list.filters]
 * @param {(query: Query) => Promise<ListPage<T>>} list.load reads one page
 * @param {ListPage<T>} list.first the first page, read with the page, with the filters as their controls start
 */
export function pagedList({ title, caption, headers, row, options = {}, noun, empty, filters = [], load, first }) {
  const errors = errorBox();
  const status = h('p', { class: 'list-status', role: 'status', tabindex: '-1' });
  const holder = h('div', { class: 'list-rows' });
  const previous = h('button', { type: 'button', class: 'secondary' }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary' }, 'Next page');
  const what = caption.toLowerCase();
  const pager = h('div', { class: 'actions', role: 'group', 'aria-label': `Pages of ${what}` }, previous, next);
  const valuesOf = () =>
    Object.fromEntries(filters.map((filter) => [filter.name, filter.control.value.trim() || undefined]));
  /** @type {Query} the filters in force */
  let applied = valuesOf();
  /** @type {(string | undefined)[]} the cursor of each page seen; page 1 has none */
  let cursors = [undefined];
  let index = 0;
  let ticket = 0;
  /** @template V @param {ByQuery<V>} value @returns {V} */
  const byQuery = (value) =>
    typeof value === 'function' ? /** @type {(query: Query) => V} */ (value)(applied) : value;

  /** @param {HTMLButtonElement} button @param {boolean} enabled */
  const enable = (button, enabled) => {
    // aria-disabled rather than disabled: the focus stays on the button that was pressed.
    if (enabled) button.removeAttribute('aria-disabled');
    else button.setAttribute('aria-disabled', 'true');
  };

  /** @param {ListPage<T>} page */
  const showPage = (page) => {
    cursors = [...cursors.slice(0, index + 1), ...(page.nextCursor ? [page.nextCursor] : [])];
    const narrowed = filters.some((filter) => !filter.chooses && applied[filter.name] !== undefined);
    const paged = index > 0 || Boolean(page.nextCursor);
    const [one, many] = byQuery(noun);
    holder.replaceChildren(
      page.rows.length ? table(caption, headers, page.rows.map(row), { ...options, hideCaption: true }) : '',
    );
    status.textContent = page.rows.length
      ? `Showing ${plural(page.rows.length, one, many)}${narrowed ? ' matching the filters' : ''}${paged ? `, page ${index + 1}${page.nextCursor ? '' : ', the last'}` : ''}.`
      : narrowed
        ? `No ${many} match the filters.`
        : index > 0
          ? `No more ${many}.`
          : byQuery(empty);
    pager.hidden = !paged;
    enable(previous, index > 0);
    enable(next, Boolean(page.nextCursor));
    // A pager that went away takes the focus with it: the status line, just read out, has it instead.
    if (pager.hidden && pager.contains(document.activeElement)) status.focus();
  };

  /**
   * Reads page `target` of the list with `query`, `trail` holding its pages' cursors; shows it only if no newer
   * read started meanwhile, and keeps what was shown (filters, page, cursors) when the read fails.
   * @param {Query} query
   * @param {(string | undefined)[]} trail
   * @param {number} target
   */
  const read = async (query, trail, target) => {
    const mine = ++ticket;
    clearErrors(errors);
    holder.setAttribute('aria-busy', 'true');
    try {
      const page = await load({ ...query, limit: String(PAGE_SIZE), cursor: trail[target] });
      if (mine !== ticket) return;
      applied = query;
      cursors = trail;
      index = target;
      showPage(page);
    } catch (error) {
      if (mine === ticket) showErrors(errors, error, 'This page of the list could not be shown');
    } finally {
      if (mine === ticket) holder.removeAttribute('aria-busy');
    }
  };

  /** @param {HTMLButtonElement} button @param {number} step */
  const turn = (button, step) =>
    button.addEventListener('click', () => {
      if (!button.hasAttribute('aria-disabled')) void read(applied, cursors, index + step);
    });
  turn(previous, -1);
  turn(next, 1);

  const form = filters.length
    ? h(
        'form',
        { class: 'inline-form filters', role: 'search', 'aria-label': `Filter ${what}`, novalidate: true },
        filters.map((filter) => field(filter.label, filter.control)),
        h('button', { type: 'submit', class: 'secondary' }, 'Show'),
      )
    : null;
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    // A cursor belongs to the filters it was read with: new filters start again from page 1.
    void read(valuesOf(), [undefined], 0);
  });
  showPage(first);

  return section(title, form, errors, status, holder, pager);
}
