import { describe, expect, it } from 'vitest';
import { composeEmail, escapeHtml, MAX_LISTED, type EmailBody } from '#mail/compose.ts';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The text of every <p> and <li> of the HTML body, entities decoded: what a reader of the HTML part sees. */
function visibleBlocks(html: string): string[] {
  const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1];
  if (body === undefined) throw new Error(`no <body> in ${html}`);
  return [...body.matchAll(/<(p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)]
    .map((match) => match[2])
    .filter((inner) => !/<(p|li|ul)\b/.test(inner))
    .map((inner) => inner.replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]));
}

/** Every tag name the HTML opens, in order. */
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b/g)].map((match) => match[1].toLowerCase());
}

const FULL: EmailBody = {
  subject: 'Your self-assessment for Q4 2026 is due Thu, 10 Dec 2026, 23:59 (Europe/Berlin)',
  greeting: 'Hello Ada,',
  paragraphs: ['The Q4 2026 review cycle has started.', 'Please tell us how your quarter went.'],
  list: ['Bob Lead', 'Cy Dev'],
  action: { label: 'Open your self-assessment', url: 'https://perf.example.com/forms/self?t=abc.def' },
  after: ['This link works until Sun, 20 Dec 2026, 23:59 (Europe/Berlin).'],
};

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });

  it('escapes an ampersand only once and leaves everything else alone', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('Zoë Ñúñez — 100% ✓')).toBe('Zoë Ñúñez — 100% ✓');
    expect(escapeHtml('')).toBe('');
  });
});

describe('composeEmail', () => {
  it('writes the plain-text part with the greeting, paragraphs, list, link, closing words and signature', () => {
    expect(composeEmail(FULL).text).toBe(
      [
        'Hello Ada,',
        '',
        'The Q4 2026 review cycle has started.',
        '',
        'Please tell us how your quarter went.',
        '',
        '  - Bob Lead',
        '  - Cy Dev',
        '',
        'Open your self-assessment: https://perf.example.com/forms/self?t=abc.def',
        '',
        'This link works until Sun, 20 Dec 2026, 23:59 (Europe/Berlin).',
        '',
        '-- perfcycle',
      ].join('\n'),
    );
  });

  it('puts the same words in the HTML part, in the same order', () => {
    const { html } = composeEmail(FULL);
    expect(visibleBlocks(html)).toStrictEqual([
      'Hello Ada,',
      'The Q4 2026 review cycle has started.',
      'Please tell us how your quarter went.',
      'Bob Lead',
      'Cy Dev',
      'Open your self-assessment',
      'This link works until Sun, 20 Dec 2026, 23:59 (Europe/Berlin).',
      'perfcycle',
    ]);
    expect(html).toContain('<a href="https://perf.example.com/forms/self?t=abc.def" ');
    expect(html).toContain(`<title>${escapeHtml(FULL.subject)}</title>`);
    expect(html.startsWith('<!doctype html><html lang="en"><head><meta charset="utf-8">')).toBe(true);
  });

  it('lays the HTML part out at the phone\u2019s width, not at 980 px', () => {
    const { html } = composeEmail(FULL);
    expect(html).toMatch(
      /<head>[\s\S]*<meta name="viewport" content="width=device-width, initial-scale=1">[\s\S]*<\/head>/,
    );
  });

  it('gives every block of the HTML part a line of its own in the text part', () => {
    const { text, html } = composeEmail(FULL);
    const lines = text.split('\n').map((line) => line.replace(/^ {2}- /, '').replace(/^-- /, ''));
    for (const block of visibleBlocks(html)) {
      const line = block === FULL.action!.label ? `${block}: ${FULL.action!.url}` : block;
      expect(lines, block).toContain(line);
    }
  });

  it('leaves out the parts an email does not have', () => {
    const { text, html } = composeEmail({
      subject: 'Done',
      greeting: 'Hi Ada,',
      paragraphs: ['All reviews are in.'],
      list: [],
      after: [],
    });
    expect(text).toBe('Hi Ada,\n\nAll reviews are in.\n\n-- perfcycle');
    expect(visibleBlocks(html)).toStrictEqual(['Hi Ada,', 'All reviews are in.', 'perfcycle']);
    expect(tagsOf(html)).toStrictEqual(['html', 'head', 'meta', 'meta', 'title', 'body', 'p', 'p', 'p']);
  });

  it('escapes a hostile name everywhere in the HTML part and keeps it readable in both parts', () => {
    const name = `<script>alert('pwned')</script><img src=x onerror="alert(1)">`;
    const { subject, text, html } = composeEmail({
      subject: `Review of ${name}`,
      greeting: `Hello ${name},`,
      paragraphs: [`${name} submitted a self-assessment.`],
      list: [name],
      action: { label: `Review ${name}`, url: `https://perf.example.com/forms/team?t=a"onmouseover="alert(1)&x=<b>` },
      after: [`Thanks, ${name}`],
    });

    expect(tagsOf(html)).toStrictEqual([
      'html',
      'head',
      'meta',
      'meta',
      'title',
      'body',
      'p',
      'p',
      'ul',
      'li',
      'p',
      'a',
      'p',
      'p',
    ]);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"alert(1)');
    expect(html).toContain(
      '<a href="https://perf.example.com/forms/team?t=a&quot;onmouseover=&quot;alert(1)&amp;x=&lt;b&gt;" ',
    );
    expect(html).toContain(`<title>Review of ${escapeHtml(name)}</title>`);
    expect(visibleBlocks(html)).toStrictEqual([
      `Hello ${name},`,
      `${name} submitted a self-assessment.`,
      name,
      `Review ${name}`,
      `Thanks, ${name}`,
      'perfcycle',
    ]);
    // The plain-text part is not HTML: the name is shown as typed.
    expect(text.split('\n')[0]).toBe(`Hello ${name},`);
    expect(subject).toBe(`Review of ${name}`);
  });

  it.each([
    ['a newline', 'Results\nBcc: attacker@evil.test', 'Results Bcc: attacker@evil.test'],
    ['a CRLF', 'Results\r\nBcc: attacker@evil.test', 'Results Bcc: attacker@evil.test'],
    ['a bare CR', 'Results\rBcc: attacker@evil.test', 'Results Bcc: attacker@evil.test'],
    ['a run of line breaks', 'Results\r\n\r\n\n\rfor Ada', 'Results for Ada'],
    ['a trailing line break', 'Results\n', 'Results '],
  ])('turns %s in the subject into one space', (_, subject, expected) => {
    const email = composeEmail({ subject, greeting: 'Hi', paragraphs: [] });
    expect(email.subject).toBe(expected);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).toContain(`<title>${escapeHtml(expected)}</title>`);
  });

  it('caps the subject at 200 characters', () => {
    const email = composeEmail({ subject: 's'.repeat(250), greeting: 'Hi', paragraphs: [] });
    expect(email.subject).toBe('s'.repeat(200));
    expect(composeEmail({ subject: 's'.repeat(200), greeting: 'Hi', paragraphs: [] }).subject).toHaveLength(200);
    expect(composeEmail({ subject: `${'s'.repeat(199)}\n\nX`, greeting: 'Hi', paragraphs: [] }).subject).toBe(
      `${'s'.repeat(199)} `,
    );
  });

  it('keeps line breaks inside paragraphs out of the subject but in the body', () => {
    const { text, html } = composeEmail({ subject: 'S', greeting: 'Hi', paragraphs: ['Line one\nLine two'] });
    expect(text).toBe('Hi\n\nLine one\nLine two\n\n-- perfcycle');
    expect(visibleBlocks(html)).toStrictEqual(['Hi', 'Line one\nLine two', 'perfcycle']);
  });
});

describe('long lists', () => {
  it('lists at most MAX_LISTED lines and says how many more there are', () => {
    const list = Array.from({ length: MAX_LISTED + 7 }, (_, i) => `Person ${i}`);
    const email = composeEmail({ subject: 's', greeting: 'Hello,', paragraphs: [], list });
    expect(email.text).toContain(`Person ${MAX_LISTED - 1}`);
    expect(email.text).not.toContain(`Person ${MAX_LISTED}\n`);
    expect(email.text).toContain(
      '... and 7 more (HR sees them all, page by page, on the cycle page of the HR console)',
    );
    expect(email.html.match(/<li>/g)).toHaveLength(MAX_LISTED + 1);
  });

  it('keeps a list of exactly MAX_LISTED lines whole', () => {
    const list = Array.from({ length: MAX_LISTED }, (_, i) => `Person ${i}`);
    const email = composeEmail({ subject: 's', greeting: 'Hello,', paragraphs: [], list });
    expect(email.text).not.toContain('more (HR sees');
    expect(email.html.match(/<li>/g)).toHaveLength(MAX_LISTED);
  });
});
