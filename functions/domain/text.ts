/**
 * Free text people type: what it may not contain. One place for the rule, so the API, settings and calibration
 * files refuse the same characters.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, with line feeds allowed
const CONTROL_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/** Whether `text` holds a control character; with `lineBreaks: true`, line feeds are allowed. */
export function hasControlCharacters(text: string, options: { lineBreaks?: boolean } = {}): boolean {
  return (options.lineBreaks ? CONTROL_BUT_LINE_FEED : CONTROL).test(text);
}
