import { printable } from '../metrics/error-samples.js';
import type { RequestRecord } from '../metrics/request-record.js';
import type { Reporter } from './reporter.js';

const ms = (v: number | null): string => (v === null ? '-' : `${v.toFixed(1)}ms`);

/** One line per finished request: what `advanced.debug` (or `--debug`) shows while a scenario is being written. */
export function debugLine(r: RequestRecord): string {
  const outcome = r.ok ? `ok ${r.status}` : `${r.errorClass ?? 'error'} ${r.status}`;
  const parts = [
    `[request] user ${r.user}`,
    r.testType,
    r.model,
    outcome,
    `ttft ${ms(r.ttftMs)}`,
    `e2e ${ms(r.e2eMs)}`,
    `tokens ${r.promptTokens}→${r.outputTokens}`,
  ];
  if (r.cachedPromptTokens !== undefined) parts.push(`cached ${r.cachedPromptTokens}`);
  if (r.attempt !== undefined) parts.push(`attempt ${r.attempt}`);
  if (r.queueMs > 0.5) parts.push(`queued ${ms(r.queueMs)}`);
  // Both come from the server: a record read back (or made elsewhere) need not have gone through sampleMessage.
  if (r.requestId !== null) parts.push(`id ${printable(r.requestId.slice(0, 200))}`);
  if (r.error !== undefined) parts.push(printable(r.error.slice(0, 200)));
  return parts.join(' | ');
}

/** Writes {@link debugLine} for every request to `write` (standard error in the CLI). No prompt or key is shown. */
export class DebugReporter implements Reporter {
  constructor(private readonly write: (line: string) => void) {}

  onRecord(record: RequestRecord): void {
    this.write(debugLine(record));
  }
}
