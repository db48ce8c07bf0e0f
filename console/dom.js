// @ts-check
/**
 * Building the console's pages with DOM APIs (never innerHTML: text is never parsed as markup), and the
 * pieces every page shares: fields, sections, tables, alert and status regions, a confirmation step.
 */
import { ApiError, SessionEnded } from './errors.js';
import { capitalised, withStop } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** @import { Child } from './types.js' */

let idCounter = 0;
/** @param {string} prefix */
export const uid = (prefix) => `${prefix}-${++idCounter}`;

/**
 * Sets attributes; `on<event>` functions become listeners; null, undefined and false leave the attribute out.
 * @param {Element} node
 * @param {Record<string, unknown> | null | undefined} attrs
 */
function setAttributes(node, attrs) {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function')
      node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Node) parent.appendChild(child);
    else if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * An HTML element. Text children become text nodes: nothing is ever parsed as markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/**
 * A form control with its visible label, and a hint read with it.
 * @param {string} label
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 * @param {Child} [hint]
 */
export function field(label, control, hint) {
  if (!control.id) control.id = uid('field');
  const hintNode = hint ? h('p', { class: 'hint', id: uid('hint') }, hint) : null;
  if (hintNode)
    control.setAttribute(
      'aria-describedby',
      [control.getAttribute('aria-describedby'), hintNode.id].filter(Boolean).join(' '),
    );
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), hintNode, control);
}

/**
 * A titled section of a page (a region named by its h2).
 * @param {string} title
 * @param {...Child} children
 */
export function section(title, ...children) {
  const id = uid('heading');
  return h('section', { class: 'section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/**
 * A table inside a region that scrolls sideways on a narrow screen; the region is focusable (so the
 * keyboard can scroll it) and named by the table's caption.
 * @param {string} caption
 * @param {string[]} headers
 * @param {Child[][]} rows
 * @param {{ numeric?: number[], nowrap?: number[], hideCaption?: boolean, rowHeaders?: boolean, wide?: boolean }} [options]
 *   numeric: columns aligned right; nowrap: columns kept on one line (dates); wide: scrolls rather than squeezes on a phone
 */
export function table(caption, headers, rows, options = {}) {
  const captionId = uid('caption');
  const numeric = new Set(options.numeric ?? []);
  const nowrap = new Set(options.nowrap ?? []);
  const classOf = (/** @type {number} */ column) =>
    [numeric.has(column) ? 'num' : '', nowrap.has(column) ? 'nowrap' : ''].filter(Boolean).join(' ') || null;
  const cell = (/** @type {Child} */ content, /** @type {number} */ column) =>
    column === 0 && options.rowHeaders
      ? h('th', { scope: 'row', class: classOf(column) }, content)
      : h('td', { class: classOf(column) }, content);
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
    h(
      'table',
      { class: options.wide ? 'wide' : null },
      h('caption', { id: captionId, class: options.hideCaption ? 'visually-hidden' : null }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text, column) => h('th', { scope: 'col', class: numeric.has(column) ? 'num' : null }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((row) => h('tr', null, row.map(cell))),
      ),
    ),
  );
}

/**
 * A description list of label and value pairs.
 * @param {[string, Child][]} pairs
 */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value))),
  );
}

/** An empty alert region, shown when it has something to say; focusable so a long form can move to it. */
export function errorBox() {
  return h('div', { class: 'errors', role: 'alert', tabindex: '-1', hidden: true });
}

/**
 * Fills an alert region: a sentence, and the API's reasons as a list, word for word.
 * @param {HTMLElement} box
 * @param {unknown} problem a text, an ApiError or any error
 * @param {string} [lead] what did not happen, e.g. "The cycle was not launched"
 */
export function showErrors(box, problem, lead) {
  if (problem instanceof SessionEnded) return;
  box.replaceChildren();
  if (typeof problem === 'string') append(box, [h('p', null, problem)]);
  else if (problem instanceof ApiError) {
    append(box, [
      h('p', null, lead ? `${lead}: ${withStop(problem.message)}` : withStop(capitalised(problem.message))),
      problem.details.length
        ? h(
            'ul',
            null,
            problem.details.map((detail) => h('li', null, detail)),
          )
        : null,
    ]);
  } else
    append(box, [
      h(
        'p',
        null,
        `${lead ?? 'Something went wrong'}: ${withStop(problem instanceof Error ? problem.message : String(problem))}`,
      ),
    ]);
  box.hidden = false;
}

/** @param {HTMLElement} box */
export function clearErrors(box) {
  box.replaceChildren();
  box.hidden = true;
}
/** Empties the page's status region, so an outcome that no longer holds (a file found valid before) is not left showing. */
export function clearStatus() {
  const region = document.getElementById('page-status');
  if (region) region.textContent = '';
}

/**
 * Says something in the page's status region (read out by screen readers without moving the focus).
 * @param {string} text
 */
export function announce(text) {
  const region = document.getElementById('page-status');
  if (!region) return;
  region.textContent = '';
  // A new text node, so a repeat of the same message is announced again.
  region.append(document.createTextNode(text));
}

/* ------------------------------------------------------------------ words and formats */
/**
 * An action that asks first, on the page itself: `ask` opens the question with `yes` and a way back, which
 * returns to `ask`. Returns the question's group, hidden until asked.
 * @param {HTMLButtonElement} ask
 * @param {string} question
 * @param {HTMLButtonElement} yes
 * @param {string} back the label of the way back
 * @param {() => void} onAsk
 */
export function confirmStep(ask, question, yes, back, onAsk) {
  const questionId = uid('confirm');
  const questionNode = h('p', { id: questionId, tabindex: '-1', class: 'confirm-question' }, question);
  const no = h('button', { type: 'button', class: 'secondary' }, back);
  const group = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-labelledby': questionId, hidden: true },
    questionNode,
    h('div', { class: 'actions' }, yes, no),
  );
  ask.addEventListener('click', () => {
    onAsk();
    group.hidden = false;
    ask.hidden = true;
    questionNode.focus();
  });
  no.addEventListener('click', () => {
    group.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  return group;
}
