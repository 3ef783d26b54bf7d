import type { z } from 'zod';
import { describeExpectation, describeValue } from './describe-issue.js';

type Issue = z.core.$ZodIssue;

/** The one problem a 400 reports, vLLM-style: the parameter path and a sentence naming it. */
export interface WireIssue {
  /** Dotted path of the offending parameter, e.g. `messages.0.content`; empty when the body itself is wrong. */
  param: string;
  /** Human sentence, e.g. `'temperature' must be a number between 0 and 2, got "hot"`. */
  message: string;
  /** `missing` when a required parameter is absent, so servers can pick `missing_parameter` over `invalid_parameter`. */
  kind: 'missing' | 'invalid';
}

export type WireResult<T> = { ok: true; value: T } | { ok: false; issue: WireIssue };

/**
 * Validates a decoded request or response body against a wire schema. Never throws: servers answer the failure
 * as a 400 naming `issue.param`. Only the first issue is reported, as OpenAI and vLLM do.
 */
export function parseWire<S extends z.ZodType>(schema: S, value: unknown): WireResult<z.output<S>> {
  // Valid bodies take zod's fast path; the options that describe a failure (and cost ~4 µs a call even when
  // nothing fails) are only paid for on the second, failing run.
  const fast = schema.safeParse(value);
  if (fast.success) return { ok: true, value: fast.data };
  const result = schema.safeParse(value, { error: describeExpectation, reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues[0];
  if (first === undefined)
    return { ok: false, issue: { param: '', message: 'The request is invalid', kind: 'invalid' } };
  return { ok: false, issue: toWireIssue(first) };
}

interface Located {
  path: PropertyKey[];
  issue: Issue;
}

/**
 * A union that failed reports every branch's issues. When exactly the branches that recognised the value's
 * overall shape failed deeper inside it (every issue has a path), the first such branch holds the real
 * mistake — `messages.0.content.0.text`, not "content matches no shape" — so descend into it.
 */
function locate(issue: Issue): Located {
  if (issue.code === 'invalid_union') {
    const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
    const inner = deeper?.[0];
    if (inner !== undefined) {
      const found = locate(inner);
      return { path: [...issue.path, ...found.path], issue: found.issue };
    }
  }
  return { path: issue.path, issue };
}

/** A discriminated union reports a bad tag with the whole object as input; the client wants the tag back. */
function offendingValue(issue: Issue): unknown {
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && isRecord(issue.input)) {
    return issue.input[issue.discriminator];
  }
  return issue.input;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toWireIssue(issue: Issue): WireIssue {
  const { path, issue: leaf } = locate(issue);
  const param = path.map(String).join('.');
  const value = offendingValue(leaf);
  const subject = param === '' ? 'The request body' : `'${param}'`;
  if (value === undefined && param !== '')
    return { param, message: `${subject} is required`, kind: 'missing' };
  return { param, message: `${subject} ${leaf.message}, got ${describeValue(value)}`, kind: 'invalid' };
}
