/**
 * Text that goes into the HTML report. Everything a user or a server chose (scenario and model names, error
 * classes, the target URL) passes through {@link escapeHtml}; URLs shown also lose their `user:password@` part.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** `scheme://user:pass@host/…` → `scheme://host/…`; also for strings that are not valid URLs. */
export function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}
