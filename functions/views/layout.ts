import { escapeHtml as e } from '#mail/compose.ts';

/**
 * The frame of every page behind an emailed link: no script and no external resource, so the pages work
 * under the strict policy the form handlers send with them.
 */
const STYLE = `body{font-family:system-ui,Arial,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
fieldset{border:1px solid #bbb;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}legend{font-weight:600}
label{display:block;font-weight:600;margin-top:1rem}textarea{width:100%;min-height:6rem;font:inherit;box-sizing:border-box}
.scale label{display:inline-block;font-weight:normal;margin:.25rem 1rem .25rem 0}
button{margin-top:1rem;padding:.6rem 1.2rem;font:inherit;background:#1f4e79;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,textarea:focus,input:focus{outline:3px solid #f2b705;outline-offset:2px}
.errors{border:2px solid #b00020;padding:.5rem 1rem;border-radius:6px;background:#fff5f5}
input[type=text],input[type=date],input[type=number]{font:inherit;padding:.3rem;box-sizing:border-box}input[type=text]{width:100%}.proposal{margin-bottom:1rem}.check label{display:inline;font-weight:normal}
.change{margin-top:1.5rem}.change summary{font-weight:600;cursor:pointer}.secondary{background:#fff;color:#1f4e79;border:2px solid #1f4e79}.report{border-top:2px solid #ddd;margin-top:2rem;padding-top:1rem}.muted{color:#555}dt{font-weight:600}dd{margin:0 0 .75rem 0;white-space:pre-wrap}`;

/** A whole page; `body` is markup the caller built with every value escaped. */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)} - perfcycle</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A page that only says something: a closed cycle, a bad link, a failure. */
export function messageView(title: string, message: string): string {
  return htmlDocument(title, `<h1>${e(title)}</h1><p>${e(message)}</p>`);
}

/** The outcome of what the person just did, announced to screen readers. */
export function noticeLine(notice: string | undefined): string {
  return notice ? `<p role="status"><strong>${e(notice)}</strong></p>` : '';
}

export function errorList(errors: string[]): string {
  if (!errors.length) return '';
  return `<div class="errors" role="alert"><p>Please correct the following:</p><ul>${errors.map((error) => `<li>${e(error)}</li>`).join('')}</ul></div>`;
}
