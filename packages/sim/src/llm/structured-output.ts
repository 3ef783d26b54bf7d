import { CoreErrors, type ChatCompletionRequest } from '@llmops/core';
import type { Rng } from './rng.js';
import { generateTokens } from './text-generator.js';

type JsonSchema = Record<string, unknown>;

/**
 * What a chat answer must look like beyond free text, as vLLM's guided decoding enforces it: a JSON document
 * (`response_format` json_object or json_schema) or a call of one of the request's tools (`tool_choice` required
 * or named). Null means free text (`tool_choice` none or auto: the simulated model chooses to answer in text).
 */
export type AnswerShape =
  | { kind: 'json'; schema: JsonSchema | null }
  | {
      kind: 'tool';
      tools: ReadonlyArray<{ name: string; schema: JsonSchema | null }>;
      finish: 'tool_calls' | 'stop';
    };

/** A tool call a choice makes: its arguments are the choice's tokens after the reasoning. */
export interface ToolCallPlan {
  id: string;
  name: string;
}

/** Nesting beyond this depth is answered with an empty object or list, so a recursive schema still ends. */
const MAX_DEPTH = 4;

/** Reads the chat request's tools and response_format; throws vLLM's 400s for a tool_choice it cannot honour. */
export function answerShapeOf(req: ChatCompletionRequest): AnswerShape | null {
  const tools = (req.tools ?? []).map((t) => ({
    name: t.function.name,
    schema: t.function.parameters ?? null,
  }));
  const choice = req.tool_choice;
  if (choice && choice !== 'none' && choice !== 'auto') {
    if (tools.length === 0) throw invalid('When using `tool_choice`, `tools` must be set.', 'tool_choice');
    if (choice === 'required') return { kind: 'tool', tools, finish: 'tool_calls' };
    const named = tools.find((t) => t.name === choice.function.name);
    if (!named)
      throw invalid(`Tool '${choice.function.name}' has not been passed in \`tools\`.`, 'tool_choice');
    // A forced named call ends with "stop" on vLLM, as on OpenAI.
    return { kind: 'tool', tools: [named], finish: 'stop' };
  }
  const format = req.response_format;
  if (format?.type === 'json_object') return { kind: 'json', schema: null };
  if (format?.type === 'json_schema') return { kind: 'json', schema: format.json_schema.schema ?? null };
  return null;
}

/**
 * The tokens of a structured answer, unescaped. A free-form JSON object carries `length` tokens in all (at least
 * five), so response_format keeps the profile's output-length distribution; a schema's answer is as long as the
 * schema makes it.
 */
export function structuredTokens(
  schema: JsonSchema | null,
  freeForm: boolean,
  length: number,
  rng: Rng,
): string[] {
  if (freeForm) return ['{"', 'answer', '":"', ...generateTokens(rng, Math.max(1, length - 4)), '"}'];
  const out: string[] = [];
  emitValue(schema ?? {}, out, rng, 0);
  return out;
}

function emitValue(schema: JsonSchema, out: string[], rng: Rng, depth: number): void {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    out.push(JSON.stringify(schema.enum[rng.int(0, schema.enum.length - 1)]));
    return;
  }
  if ('const' in schema) {
    out.push(JSON.stringify(schema.const));
    return;
  }
  const alt = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(alt) && isSchema(alt[0])) {
    emitValue(alt[0], out, rng, depth);
    return;
  }
  switch (typeOf(schema)) {
    case 'string':
      out.push('"', ...generateTokens(rng, rng.int(1, 4)), '"');
      return;
    case 'integer':
      out.push(String(rng.int(0, 1000)));
      return;
    case 'number':
      out.push((rng.next() * 1000).toFixed(2));
      return;
    case 'boolean':
      out.push(rng.next() < 0.5 ? 'true' : 'false');
      return;
    case 'null':
      out.push('null');
      return;
    case 'array': {
      out.push('[');
      const items = isSchema(schema.items) ? schema.items : {};
      const n = depth >= MAX_DEPTH ? 0 : Math.max(numberOr(schema.minItems, 0), rng.int(1, 3));
      for (let i = 0; i < n; i++) {
        if (i > 0) out.push(',');
        emitValue(items, out, rng, depth + 1);
      }
      out.push(']');
      return;
    }
    default:
      emitObject(schema, out, rng, depth);
  }
}

function emitObject(schema: JsonSchema, out: string[], rng: Rng, depth: number): void {
  out.push('{');
  const props = isSchema(schema.properties) && depth < MAX_DEPTH ? Object.entries(schema.properties) : [];
  let first = true;
  for (const [key, sub] of props) {
    out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    emitValue(isSchema(sub) ? sub : {}, out, rng, depth + 1);
  }
  out.push('}');
}

/** The schema's type; a list of types takes its first non-null one; no type at all reads as an object. */
function typeOf(schema: JsonSchema): string {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? 'null';
  return 'object';
}

function isSchema(x: unknown): x is JsonSchema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function numberOr(x: unknown, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? Math.min(x, 8) : fallback;
}

/** A token as it sits inside a JSON string (the chunk and body builders concatenate tokens without escaping). */
export function escapeToken(token: string): string {
  const s = JSON.stringify(token);
  return s.slice(1, s.length - 1);
}

/** A tool-call id in vLLM's form (`chatcmpl-tool-` and 32 hex digits), deterministic for the request's seed. */
export function toolCallId(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 4; i++)
    hex += Math.floor(rng.next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return `chatcmpl-tool-${hex}`;
}

function invalid(message: string, param: string): Error {
  return CoreErrors.error('invalid_parameter', { message }, { param });
}
