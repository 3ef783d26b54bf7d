/*
 * Test support (not shipped behaviour): checks HTTP responses against the Go original's OpenAPI 3.0 spec
 * (`shared/compat/llm-proxy/openapi.yaml` beside the repository) with ajv. OpenAPI 3.0 schema objects are not JSON Schema:
 * `nullable` becomes a null type, `$ref`s to `#/components/...` are rewritten into one ajv schema, and
 * `example` (unknown to ajv's strict mode) is dropped.
 */
import { compatPath } from '../../../../test-support/compat.js';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export const ORIGINAL_OPENAPI_PATH = compatPath('llm-proxy/openapi.yaml');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Where the original's implementation (which clients depend on) and its own spec disagree, we follow the
 * implementation. Each deviation is listed with its reason; everything else must match the spec.
 */
export interface SpecDeviation {
  method: string;
  /** The spec's path template, e.g. `/manage/tokens`. */
  path: string;
  status: number;
  /** Name of the components schema the body is checked against instead. */
  schema: string;
  reason: string;
}

/** A keyword of one property of a spec schema that the original's implementation does not satisfy. */
export interface SchemaPatch {
  schema: string;
  property: string;
  dropKeyword: string;
  reason: string;
}

export interface ValidatorOptions {
  deviations?: readonly SpecDeviation[];
  schemaPatches?: readonly SchemaPatch[];
  /** Schemas for operations the spec omits, written from the original's code; OpenAPI 3.0 syntax. */
  extraSchemas?: JsonObject;
}

export interface ResponseCheck {
  method: string;
  /** Concrete path, e.g. `/manage/projects/0b…`. */
  path: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

export class OpenApiValidator {
  readonly #doc: JsonObject;
  readonly #ajv: Ajv;
  readonly #deviations: readonly SpecDeviation[];
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(yamlText: string, options: ValidatorOptions = {}) {
    this.#doc = parse(yamlText) as JsonObject;
    this.#deviations = options.deviations ?? [];
    const components = asObject(this.#doc['components']);
    const definitions: JsonObject = {};
    for (const [name, schema] of Object.entries(asObject(components['schemas'])))
      definitions[name] = toJsonSchema(schema);
    for (const [name, schema] of Object.entries(options.extraSchemas ?? {}))
      definitions[name] = toJsonSchema(schema);
    for (const patch of options.schemaPatches ?? []) {
      const property = asObject(asObject(asObject(definitions[patch.schema])['properties'])[patch.property]);
      if (!(patch.dropKeyword in property))
        throw new Error(`schema patch no longer needed: ${JSON.stringify(patch)}`);
      delete property[patch.dropKeyword];
    }
    this.#ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema({ $id: 'openapi', definitions }, 'openapi');
  }

  static fromFile(path: string, options?: ValidatorOptions): OpenApiValidator {
    return new OpenApiValidator(readFileSync(path, 'utf8'), options);
  }

  /** The problems with one response; an empty list means it matches the spec (or a listed deviation). */
  check(res: ResponseCheck): string[] {
    const label = `${res.method} ${res.path} → ${String(res.status)}`;
    const template = this.#templateFor(res.path);
    const deviation = this.#deviations.find(
      (d) => d.method === res.method && d.status === res.status && matchesTemplate(d.path, res.path),
    );
    if (deviation) return this.#validateJson(label, res, `#/definitions/${deviation.schema}`);
    if (template === undefined) return [`${label}: path not in the spec`];
    const operation = asObject(asObject(asObject(this.#doc['paths'])[template])[res.method.toLowerCase()]);
    const response = this.#resolveResponse(asObject(operation['responses'])[String(res.status)]);
    if (response === undefined) return [`${label}: status not documented for this operation`];
    const content = response['content'];
    if (content === undefined || content === null) {
      return res.body === undefined || res.body === '' ? [] : [`${label}: spec has no body, got one`];
    }
    const schema = asObject(asObject(asObject(content)['application/json'])['schema']);
    return this.#validateJson(label, res, undefined, schema);
  }

  /** The operations the spec lists under `prefix`, as `METHOD /path` strings (for coverage checks). */
  operations(prefix: string): string[] {
    const ops: string[] = [];
    for (const [path, item] of Object.entries(asObject(this.#doc['paths']))) {
      if (!path.startsWith(prefix)) continue;
      for (const method of Object.keys(asObject(item))) {
        if (method !== 'parameters') ops.push(`${method.toUpperCase()} ${path}`);
      }
    }
    return ops;
  }

  #validateJson(label: string, res: ResponseCheck, ref?: string, schema?: JsonObject): string[] {
    if (!res.contentType?.startsWith('application/json')) {
      return [`${label}: Content-Type ${String(res.contentType)} is not application/json`];
    }
    const target = ref ?? JSON.stringify(schema);
    let validate = this.#compiled.get(target);
    if (validate === undefined) {
      validate = this.#ajv.compile(
        ref !== undefined ? { $ref: `openapi${ref}` } : rebase(toJsonSchema(schema ?? {})),
      );
      this.#compiled.set(target, validate);
    }
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map((e) => `${label}: body${e.instancePath} ${e.message ?? 'is invalid'}`);
  }

  #resolveResponse(response: Json | undefined): JsonObject | undefined {
    if (
      response === undefined ||
      response === null ||
      typeof response !== 'object' ||
      Array.isArray(response)
    ) {
      return undefined;
    }
    const ref = response['$ref'];
    if (typeof ref !== 'string') return response;
    const name = ref.replace('#/components/responses/', '');
    return asObject(asObject(asObject(this.#doc['components'])['responses'])[name]);
  }

  #templateFor(path: string): string | undefined {
    return Object.keys(asObject(this.#doc['paths'])).find((template) => matchesTemplate(template, path));
  }
}

/** `/manage/projects/{projectId}` matches `/manage/projects/abc` (query ignored). */
function matchesTemplate(template: string, path: string): boolean {
  const bare = path.split('?')[0] ?? path;
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(bare);
}

/** OpenAPI 3.0 schema object → JSON Schema (draft-07 as ajv reads it). */
export function toJsonSchema(node: Json): JsonObject {
  const schema = asObject(node);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string')
      out[key] = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'properties') out[key] = mapValues(asObject(value), toJsonSchema);
    else if (key === 'items' || key === 'additionalProperties')
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf')
      out[key] = asArray(value).map(toJsonSchema);
    else out[key] = value;
  }
  if (schema['nullable'] === true) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** An inline response schema refers to `#/definitions/X` of the shared `openapi` schema. */
function rebase(schema: JsonObject): JsonObject {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"#/definitions/', '"openapi#/definitions/'),
  ) as JsonObject;
}

function mapValues(obj: JsonObject, fn: (v: Json) => Json): JsonObject {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

function asObject(node: Json | undefined): JsonObject {
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? node : {};
}

function asArray(node: Json | undefined): Json[] {
  return Array.isArray(node) ? node : [];
}

/** ajv-formats is CommonJS; its default export arrives wrapped under NodeNext. */
function addFormats(ajv: Ajv): void {
  const plugin = addFormatsModule as unknown as { default?: (a: Ajv) => Ajv } & ((a: Ajv) => Ajv);
  (plugin.default ?? plugin)(ajv);
}
