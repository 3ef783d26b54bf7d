import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  startManagementTestServer,
  type CallOptions,
  type ManagementTestServer,
} from './management-test-server.test-support.js';
import {
  OpenApiValidator,
  ORIGINAL_OPENAPI_PATH,
  type JsonObject,
  type SchemaPatch,
  type SpecDeviation,
} from './openapi-validator.test-support.js';

/*
 * Every management endpoint, called over a real socket, each response checked against the original's OpenAPI
 * spec. Where the original's implementation (which its clients depend on) and its spec disagree we follow the
 * implementation, and each such case is listed below with its reason; any other mismatch fails.
 */

const ERROR_BODY = 'ManageErrorBody';

const DEVIATIONS: SpecDeviation[] = [
  {
    method: 'POST',
    path: '/manage/tokens',
    status: 403,
    schema: ERROR_BODY,
    reason: 'the original answers 403 project_inactive for an inactive project; the spec omits it',
  },
  {
    method: 'DELETE',
    path: '/manage/projects/{projectId}',
    status: 405,
    schema: ERROR_BODY,
    reason: 'the spec documents 204, but the original always refuses deletion with 405 and Allow: GET, PATCH',
  },
  ...auditDeviations(),
];

const SCHEMA_PATCHES: SchemaPatch[] = [
  {
    schema: 'Token',
    property: 'token',
    dropKeyword: 'format',
    reason:
      'the spec says uuid, but tokens are sk-… (obfuscated in listings) in the original and its clients',
  },
];

/** `/manage/audit*` is missing from the spec; these shapes come from the original's server code. */
const EXTRA_SCHEMAS: JsonObject = {
  [ERROR_BODY]: {
    allOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/ErrorResponse' }],
  },
  AuditEvent: {
    type: 'object',
    required: ['id', 'timestamp', 'action', 'actor', 'outcome'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      timestamp: { type: 'string', format: 'date-time' },
      action: { type: 'string' },
      actor: { type: 'string' },
      outcome: { type: 'string', enum: ['success', 'failure', 'denied', 'error'] },
      project_id: { type: 'string' },
      request_id: { type: 'string' },
      correlation_id: { type: 'string' },
      client_ip: { type: 'string' },
      method: { type: 'string' },
      path: { type: 'string' },
      user_agent: { type: 'string' },
      reason: { type: 'string' },
      token_id: { type: 'string' },
      metadata: { type: 'string' },
    },
  },
  AuditEventsResponse: {
    type: 'object',
    required: ['events', 'pagination'],
    properties: {
      events: { type: 'array', nullable: true, items: { $ref: '#/components/schemas/AuditEvent' } },
      pagination: {
        type: 'object',
        required: ['page', 'page_size', 'total_count', 'total_pages', 'has_next', 'has_prev'],
        properties: {
          page: { type: 'integer', minimum: 1 },
          page_size: { type: 'integer', minimum: 1, maximum: 100 },
          total_count: { type: 'integer', minimum: 0 },
          total_pages: { type: 'integer', minimum: 0 },
          has_next: { type: 'boolean' },
          has_prev: { type: 'boolean' },
        },
      },
    },
  },
};

function auditDeviations(): SpecDeviation[] {
  const reason = 'GET /manage/audit* is not in the spec';
  return [
    { method: 'GET', path: '/manage/audit', status: 200, schema: 'AuditEventsResponse', reason },
    { method: 'GET', path: '/manage/audit', status: 400, schema: ERROR_BODY, reason },
    { method: 'GET', path: '/manage/audit', status: 401, schema: ERROR_BODY, reason },
    { method: 'GET', path: '/manage/audit/{id}', status: 200, schema: 'AuditEvent', reason },
    { method: 'GET', path: '/manage/audit/{id}', status: 404, schema: ERROR_BODY, reason },
  ];
}

const validator = OpenApiValidator.fromFile(ORIGINAL_OPENAPI_PATH, {
  deviations: DEVIATIONS,
  schemaPatches: SCHEMA_PATCHES,
  extraSchemas: EXTRA_SCHEMAS,
});

describe('management API against the original OpenAPI spec', () => {
  let server: ManagementTestServer;
  const exercised = new Set<string>();

  beforeAll(async () => {
    server = await startManagementTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  /** Calls the API, expects `status`, and fails on any difference from the spec. */
  async function conforms(
    method: string,
    path: string,
    status: number,
    options: CallOptions = {},
  ): Promise<unknown> {
    const res = await callApi(server, method, path, options);
    expect({ call: `${method} ${path}`, status: res.status }).toEqual({ call: `${method} ${path}`, status });
    const problems = validator.check({
      method,
      path,
      status: res.status,
      contentType: res.contentType,
      body: res.body,
    });
    expect(problems).toEqual([]);
    exercised.add(`${method} ${templateOf(path)}`);
    return res.body;
  }

  async function newProject(name: string): Promise<{ id: string }> {
    return (await conforms('POST', '/manage/projects', 201, {
      body: { name, api_key: 'sk-upstream-key-0123456789abcdef' },
    })) as {
      id: string;
    };
  }

  it('serves the project endpoints in the documented shapes', async () => {
    const project = await newProject('compat-projects');
    await conforms('GET', '/manage/projects', 200);
    await conforms('GET', `/manage/projects/${project.id}`, 200);
    await conforms('PATCH', `/manage/projects/${project.id}`, 200, {
      body: { name: 'compat-projects-renamed' },
    });
    await conforms('PATCH', `/manage/projects/${project.id}`, 200, { body: { is_active: false } });
    await conforms('DELETE', `/manage/projects/${project.id}`, 405);
  });

  it('serves the token endpoints in the documented shapes', async () => {
    const project = await newProject('compat-tokens');
    const created = (await conforms('POST', '/manage/tokens', 201, {
      body: { project_id: project.id, duration_minutes: 60, max_requests: 10 },
    })) as { id: string };
    await conforms('POST', '/manage/tokens', 201, { body: { project_id: project.id, duration_minutes: 60 } });
    await conforms('GET', '/manage/tokens', 200);
    await conforms('GET', `/manage/tokens?projectId=${project.id}`, 200);
    await conforms('GET', `/manage/tokens/${created.id}`, 200);
    await conforms('PATCH', `/manage/tokens/${created.id}`, 200, { body: { max_requests: 0 } });
    await conforms('DELETE', `/manage/tokens/${created.id}`, 204);
    await conforms('POST', `/manage/projects/${project.id}/tokens/revoke`, 200);
  });

  it('answers client errors in the documented error shapes', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const inactive = await newProject('compat-inactive');
    await conforms('PATCH', `/manage/projects/${inactive.id}`, 200, { body: { is_active: false } });
    await conforms('POST', '/manage/projects', 400, { body: { name: 'no-key' } });
    await conforms('GET', `/manage/projects/${missing}`, 404);
    await conforms('PATCH', `/manage/projects/${missing}`, 404, { body: { name: 'x' } });
    await conforms('PATCH', `/manage/projects/${inactive.id}`, 400, { body: { revoke_tokens: true } });
    await conforms('POST', `/manage/projects/${missing}/tokens/revoke`, 404);
    await conforms('POST', '/manage/tokens', 400, { body: { project_id: inactive.id } });
    await conforms('POST', '/manage/tokens', 404, { body: { project_id: missing, duration_minutes: 5 } });
    await conforms('POST', '/manage/tokens', 403, { body: { project_id: inactive.id, duration_minutes: 5 } });
    await conforms('GET', `/manage/tokens/${missing}`, 404);
    await conforms('PATCH', `/manage/tokens/${missing}`, 404, { body: { is_active: false } });
    await conforms('DELETE', `/manage/tokens/${missing}`, 404);
  });

  it('answers 401 in the documented shape on every operation', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const op of validator.operations('/manage')) {
      const [method = '', template = ''] = op.split(' ');
      await conforms(method, template.replace(/\{[^}]+\}/g, id), 401, { token: null });
      await conforms(method, template.replace(/\{[^}]+\}/g, id), 401, { token: 'not-the-token' });
    }
  });

  it("serves the audit log in the original implementation's shapes", async () => {
    await server.flushAudit();
    const page = (await conforms('GET', '/manage/audit?page=1&page_size=5', 200)) as {
      events: { id: string }[];
    };
    const first = page.events[0];
    expect(first).toBeDefined();
    await conforms('GET', `/manage/audit/${first?.id ?? ''}`, 200);
    await conforms('GET', '/manage/audit/00000000-0000-4000-8000-000000000000', 404);
    await conforms('GET', '/manage/audit?start_time=yesterday', 400);
    await conforms('GET', '/manage/audit', 401, { token: null });
  });

  it('has exercised every management operation the spec lists', () => {
    for (const op of validator.operations('/manage')) expect(exercised).toContain(op);
  });
});

/** `/manage/projects/<uuid>?x` → the spec's `/manage/projects/{projectId}` form, for coverage bookkeeping. */
function templateOf(path: string): string {
  const bare = path.split('?')[0] ?? path;
  return bare
    .replace(/^\/manage\/projects\/[^/]+/, '/manage/projects/{projectId}')
    .replace(/^\/manage\/tokens\/[^/]+/, '/manage/tokens/{tokenId}')
    .replace(/^\/manage\/audit\/[^/]+/, '/manage/audit/{id}');
}
