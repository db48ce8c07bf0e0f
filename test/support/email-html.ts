import { HtmlValidate } from 'html-validate';
import { expect } from 'vitest';

const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });

/** An email's HTML part passes html-validate's standard and a11y presets and lays out at a phone's width. */
export async function expectValidEmailHtml(html: string): Promise<void> {
  const report = await validator.validateString(html);
  const problems = report.results.flatMap((result) =>
    result.messages.map((message) => `${message.ruleId}: ${message.message} (${message.selector ?? ''})`),
  );
  expect(problems, html).toEqual([]);
  expect(html).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
}
