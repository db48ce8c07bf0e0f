/**
 * One layout for every perfcycle email: an HTML part and a plain-text part carrying the same words, with
 * everything that came from people (names, answers, cycle names) escaped.
 */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface EmailBody {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** A list of people or items the email is about, one line each. */
  list?: string[];
  action?: { label: string; url: string };
  /** Words after the action, e.g. when the link expires. */
  after?: string[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/** Subjects are header values: no line breaks, bounded length. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

/** Beyond this many lines an email points to the cycle's page instead: a list of thousands helps nobody. */
export const MAX_LISTED = 200;

function shortened(list: string[] | undefined): string[] | undefined {
  if (!list || list.length <= MAX_LISTED) return list;
  return [
    ...list.slice(0, MAX_LISTED),
    `... and ${list.length - MAX_LISTED} more (HR sees them all, page by page, on the cycle page of the HR console)`,
  ];
}

export function composeEmail(email: EmailBody): EmailContent {
  const body = { ...email, list: shortened(email.list) };
  const textParts = [body.greeting, '', ...body.paragraphs.flatMap((p) => [p, ''])];
  if (body.list?.length) textParts.push(...body.list.map((item) => `  - ${item}`), '');
  if (body.action) textParts.push(`${body.action.label}: ${body.action.url}`, '');
  if (body.after?.length) textParts.push(...body.after.flatMap((p) => [p, '']));
  textParts.push('-- perfcycle');

  const htmlParts = [`<p>${escapeHtml(body.greeting)}</p>`, ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)];
  if (body.list?.length) htmlParts.push(`<ul>${body.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`);
  if (body.action) {
    htmlParts.push(
      `<p><a href="${escapeHtml(body.action.url)}" style="display:inline-block;padding:10px 16px;background:#1f4e79;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(body.action.label)}</a></p>`,
    );
  }
  if (body.after?.length) htmlParts.push(...body.after.map((p) => `<p>${escapeHtml(p)}</p>`));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(headerSafe(body.subject))}</title></head><body style="font-family:Arial,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:640px">${htmlParts.join('\n')}<p style="color:#666;font-size:12px">perfcycle</p></body></html>`;
  return { subject: headerSafe(body.subject), text: textParts.join('\n'), html };
}
