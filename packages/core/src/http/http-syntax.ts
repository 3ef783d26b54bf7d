/** RFC 9110 §5.6.2 token: a method or a header name. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const FIELD_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * True when `text` is valid field content (RFC 9110 §5.5, node:http's own rule for header values): HTAB, visible
 * ASCII, space and obs-text; no other control character, so no CR, LF or NUL that could end or split a line.
 */
export function isFieldText(text: string): boolean {
  return FIELD_TEXT.test(text);
}
