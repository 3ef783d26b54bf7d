import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  CoreErrors,
  isJsonContentType,
  LeanRequest,
  monoNow,
  onRawBody,
  sendError,
  type LlmopsError,
  type ResponseSink,
  type Logger,
  type UpstreamDispatcher,
} from '@llmops/core';
import type { Dispatcher } from 'undici';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { TokenGate } from '../auth/token-gate.js';
import { decryptSecret, hashToken, isTokenFormat, uuidV7 } from '../crypto/index.js';
import { endpointAllowed, type ApiProvider } from '../providers/api-providers.js';
import type { Project, TokenUse } from '../store/index.js';
import { clientId, clientIpOf, headerValue, userAgentOf } from './client-address.js';
import { corsHeaders } from './cors-headers.js';
import { withIncludeUsage } from './include-usage.js';
import { ProxyErrors } from './proxy-errors.js';
import type { ProxyMetrics } from './proxy-metrics.js';
import { RelayHandler, type RelayResult } from './relay-handler.js';
import { upstreamHeaders } from './upstream-headers.js';

export interface ProxyHandlerDeps {
  provider: ApiProvider;
  gate: TokenGate;
  dispatcher: UpstreamDispatcher;
  encryptionKey: KeyObject | undefined;
  /** Global upstream base URL (UPSTREAM_URL), else the provider's. A project's own upstream_url wins over both. */
  upstreamUrl: string | undefined;
  maxBodyBytes: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  audit: AuditWriter | undefined;
  metrics: ProxyMetrics;
  log: Logger;
}

/** A /v1 request from node:http, or from the lean path with its body already read. */
type ClientRequest = IncomingMessage | LeanRequest;

/** What the gateway learned about the request, for the audit record and metrics. */
interface Ctx {
  t0: number;
  requestId: string;
  /** The client's `X-Correlation-ID` (e.g. a load test's run), kept in the audit record (rule: `clientId`). */
  correlationId: string | null;
  method: string;
  path: string;
  model: string;
  streamed: boolean;
  project: Project | undefined;
  tokenId: string | undefined;
  clientIp: string | null;
  userAgent: string | null;
  /** The request's Origin once it passed the allowed origins: answers name it, so a browser may read them. */
  origin: string | undefined;
}

const REFUSALS: Record<Extract<TokenUse, { ok: false }>['reason'], () => LlmopsError> = {
  not_found: () => ProxyErrors.error('token_not_found'),
  inactive: () => ProxyErrors.error('token_inactive'),
  expired: () => ProxyErrors.error('token_expired'),
  quota_exceeded: () => ProxyErrors.error('rate_limit_exceeded'),
  project_inactive: () => ProxyErrors.error('project_inactive'),
};

/**
 * The /v1 request path, on raw node:http: checks, token, one upstream request through a pooled undici
 * dispatcher, the answer relayed as it arrives, and an audit record plus metrics when it ends. Nothing here logs
 * per request or per chunk, and only quota-limited tokens touch the database.
 */
export class ProxyHandler {
  private readonly keyCache = new Map<string, string>();
  /** Checked once: per-request log lines exist only at debug/trace level. */
  private readonly debug: boolean;
  private readonly trace: boolean;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly d: ProxyHandlerDeps) {
    this.debug = d.log.isLevelEnabled('debug');
    this.trace = d.log.isLevelEnabled('trace');
  }

  get active(): number {
    return this.inFlight;
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  handle(req: ClientRequest, res: ResponseSink): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ctx: Ctx = {
      t0: monoNow(),
      requestId: clientId(req.headers['x-request-id']) ?? uuidV7(),
      correlationId: clientId(req.headers['x-correlation-id']) ?? null,
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      model: 'unknown',
      streamed: false,
      project: undefined,
      tokenId: undefined,
      // Only the audit record needs them.
      clientIp: this.d.audit ? clientIpOf(req) : null,
      userAgent: this.d.audit ? userAgentOf(req) : null,
      origin: undefined,
    };
    this.inFlight++;
    // The logger redacts credentials (Authorization and friends); headers are only logged at trace level.
    if (this.trace)
      this.d.log.trace(
        { requestId: ctx.requestId, method: ctx.method, url, headers: req.headers },
        'proxy request received',
      );
    try {
      this.start(req, res, ctx, url.slice(ctx.path.length));
    } catch (err) {
      this.fail(req, res, ctx, err);
    }
  }

  /**
   * Checks, token, body, dispatch. The usual request (a known token without quota) runs through with no promise
   * hop: the token answer is synchronous and the body arrives in a callback. Throws what the client must be told.
   */
  private start(req: ClientRequest, res: ResponseSink, ctx: Ctx, query: string): void {
    const p = this.d.provider;
    if (!p.allowedMethods.has(ctx.method))
      throw ProxyErrors.error('method_not_allowed', { method: ctx.method });
    if (!endpointAllowed(p, ctx.path)) throw ProxyErrors.error('endpoint_not_found', { path: ctx.path });
    const origin = headerValue(req, 'origin');
    if (origin === undefined) {
      if (p.originRequired) throw ProxyErrors.error('origin_required');
    } else if (p.allowedOrigins.length > 0 && !p.allowedOrigins.includes(origin)) {
      throw ProxyErrors.error('origin_not_allowed');
    }
    ctx.origin = origin;
    if (ctx.method === 'OPTIONS') {
      this.preflight(req, res, ctx);
      return;
    }
    const hash = tokenHashOf(req);
    const use = this.d.gate.checkCached(hash);
    if (use !== undefined) {
      this.admit(req, res, ctx, query, use);
      return;
    }
    this.d.gate.check(hash).then(
      (u) => {
        try {
          this.admit(req, res, ctx, query, u);
        } catch (err) {
          this.fail(req, res, ctx, err);
        }
      },
      (err: unknown) => this.fail(req, res, ctx, err),
    );
  }

  private admit(req: ClientRequest, res: ResponseSink, ctx: Ctx, query: string, use: TokenUse): void {
    if (!use.ok) throw REFUSALS[use.reason]();
    ctx.project = use.project;
    ctx.tokenId = use.token.id;
    const project = use.project;
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      this.dispatch(req, res, ctx, query, { bytes: undefined, stripUsage: false }, project);
      return;
    }
    if (req instanceof LeanRequest) {
      // The lean path hands over only bodies within the limit (a larger one goes to node:http, answered below).
      this.dispatch(req, res, ctx, query, this.body(req, ctx, req.body), project);
      return;
    }
    onRawBody(req, this.d.maxBodyBytes, (err, bytes) => {
      if (err) {
        this.fail(req, res, ctx, err);
        return;
      }
      try {
        this.dispatch(req, res, ctx, query, this.body(req, ctx, bytes as Buffer), project);
      } catch (e) {
        this.fail(req, res, ctx, e);
      }
    });
  }

  /** A read body; a JSON body is parsed for the model, the stream flag and the parameter whitelist. */
  private body(
    req: ClientRequest,
    ctx: Ctx,
    bytes: Buffer,
  ): { bytes: Buffer | undefined; stripUsage: boolean } {
    if (!isJsonContentType(req.headers['content-type']) || bytes.length === 0)
      return { bytes, stripUsage: false };
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw CoreErrors.error('invalid_json', undefined, { cause: err });
    }
    if (typeof json !== 'object' || json === null) return { bytes, stripUsage: false };
    if (typeof json['model'] === 'string') ctx.model = clip(json['model']);
    this.checkParams(json);
    ctx.streamed = json['stream'] === true;
    if (!ctx.streamed || !(ctx.path.endsWith('/chat/completions') || ctx.path.endsWith('/completions'))) {
      return { bytes, stripUsage: false };
    }
    const opts = json['stream_options'];
    if (
      typeof opts === 'object' &&
      opts !== null &&
      (opts as { include_usage?: unknown }).include_usage === true
    ) {
      return { bytes, stripUsage: false };
    }
    // Ask upstream for usage so the audit has token counts; the extra chunk is removed on the way back.
    const spliced = opts === undefined ? withIncludeUsage(bytes) : undefined;
    if (spliced !== undefined) return { bytes: spliced, stripUsage: true };
    json['stream_options'] = {
      ...(typeof opts === 'object' && opts !== null ? opts : {}),
      include_usage: true,
    };
    return { bytes: Buffer.from(JSON.stringify(json)), stripUsage: true };
  }

  private checkParams(json: Record<string, unknown>): void {
    for (const [param, patterns] of this.d.provider.paramWhitelist) {
      const v = json[param];
      if (v === undefined) continue;
      const text = String(v);
      if (!patterns.some((re) => re.test(text))) {
        const allowed = (this.d.provider.paramPatterns.get(param) ?? []).join(' ');
        throw ProxyErrors.error('param_not_allowed', { param, value: text, allowed }, { param });
      }
    }
  }

  private dispatch(
    req: ClientRequest,
    res: ResponseSink,
    ctx: Ctx,
    query: string,
    body: { bytes: Buffer | undefined; stripUsage: boolean },
    project: Project,
  ): void {
    if (res.destroyed) {
      // The client left while its token was checked or its body read: nothing is sent upstream.
      this.record(ctx, 499, null, null, null, monoNow() - ctx.t0, 'client disconnected');
      this.done();
      return;
    }
    const base = baseOf(project.upstreamUrl ?? this.d.upstreamUrl ?? this.d.provider.baseUrl);
    const headers = upstreamHeaders(req.headers, this.upstreamKey(project), ctx.requestId);
    const tDispatch = monoNow();
    const relay = new RelayHandler(
      res,
      ctx.requestId,
      ctx.origin,
      body.stripUsage,
      (err) => this.fail(req, res, ctx, upstreamError(err)),
      (r) => this.finish(ctx, r, tDispatch),
    );
    this.d.dispatcher.dispatch(
      {
        origin: base.origin,
        path: base.path + ctx.path + query,
        method: ctx.method as Dispatcher.HttpMethod,
        headers,
        body: body.bytes,
        headersTimeout: this.d.firstByteTimeoutMs,
        bodyTimeout: this.d.idleTimeoutMs,
      },
      relay,
    );
  }

  /** The project's upstream key in clear, decrypted once per stored value (a key change is a new cache entry). */
  private upstreamKey(project: Project): string {
    const stored = project.apiKeyStored;
    let key = this.keyCache.get(stored);
    if (key === undefined) {
      try {
        key = this.d.encryptionKey ? decryptSecret(stored, this.d.encryptionKey) : stored;
      } catch (err) {
        throw ProxyErrors.error('upstream_auth_error', undefined, { cause: err });
      }
      if (stored.startsWith('enc:') && !this.d.encryptionKey) throw ProxyErrors.error('upstream_auth_error');
      if (this.keyCache.size > 10_000) this.keyCache.clear();
      this.keyCache.set(stored, key);
    }
    return key;
  }

  private preflight(req: ClientRequest, res: ResponseSink, ctx: Ctx): void {
    const origin = ctx.origin; // read and checked against the allowed origins by `start`
    const headers: Record<string, string> = { 'x-request-id': ctx.requestId };
    if (origin !== undefined) {
      headers['access-control-allow-origin'] = origin;
      headers['vary'] = 'Origin';
      headers['access-control-allow-methods'] = [...this.d.provider.allowedMethods].join(', ');
      headers['access-control-allow-headers'] =
        headerValue(req, 'access-control-request-headers') ?? 'Authorization, Content-Type';
      headers['access-control-max-age'] = '86400';
    }
    res.writeHead(204, headers);
    res.end();
    this.done();
  }

  private fail(req: ClientRequest, res: ResponseSink, ctx: Ctx, err: unknown): void {
    // Refused before its body was read (or while it was): a body that keeps coming is not read forever.
    if (!(req instanceof LeanRequest)) discardAtMost(req, REFUSED_BODY_DISCARD_BYTES);
    if (ctx.origin !== undefined && !res.headersSent) {
      for (const [name, value] of Object.entries(corsHeaders(ctx.origin))) res.setHeader(name, value);
    }
    const status = sendError(res, err);
    if (status >= 500 && !(err instanceof Error && 'code' in err))
      this.d.log.error({ err, requestId: ctx.requestId }, 'proxy request failed');
    this.record(ctx, status, null, null, null, monoNow() - ctx.t0, errorCode(err));
    this.done();
  }

  private finish(ctx: Ctx, r: RelayResult, tDispatch: number): void {
    // Failed before an answer started: answered (and recorded) by fail(), unless the client had already left.
    if (r.error !== null && r.status === 0 && !r.clientAborted) return;
    // Everything before the upstream request was written, waits for a connection included; relaying the answer
    // back is synchronous and adds ~nothing.
    const tUp = r.tWritten ?? tDispatch;
    const overhead = tUp - ctx.t0;
    const status = r.clientAborted ? 499 : r.status;
    this.record(
      ctx,
      status,
      (r.tEnd - tUp) / 1000,
      r.tFirstToken === null ? null : (r.tFirstToken - tUp) / 1000,
      r,
      overhead,
      r.error?.message ?? null,
    );
    this.done();
  }

  private record(
    ctx: Ctx,
    status: number,
    upstreamS: number | null,
    ttftS: number | null,
    r: RelayResult | null,
    overheadMs: number,
    reason: string | null,
  ): void {
    const project = ctx.project?.id ?? 'none';
    if (this.debug) {
      this.d.log.debug(
        {
          requestId: ctx.requestId,
          method: ctx.method,
          path: ctx.path,
          status,
          project,
          tokenId: ctx.tokenId,
          model: ctx.model,
          reason,
        },
        'proxy request done',
      );
    }
    this.d.metrics.observe({
      project,
      model: ctx.model,
      status,
      upstreamSeconds: upstreamS,
      ttftSeconds: ttftS,
      overheadSeconds: overheadMs / 1000,
      promptTokens: r?.promptTokens ?? null,
      completionTokens: r?.completionTokens ?? null,
      cachedTokens: r?.cachedTokens ?? null,
    });
    this.d.audit?.push({
      timestamp: new Date(),
      action: 'proxy_request',
      actor: 'system',
      outcome: status === 0 || status >= 500 ? 'error' : status >= 400 ? 'failure' : 'success',
      projectId: ctx.project?.id ?? null,
      requestId: ctx.requestId,
      correlationId: ctx.correlationId,
      clientIp: ctx.clientIp,
      method: ctx.method,
      path: ctx.path,
      userAgent: ctx.userAgent,
      reason,
      tokenId: ctx.tokenId ?? null,
      metadata: {
        model: ctx.model,
        status,
        stream: ctx.streamed,
        latency_ms: upstreamS === null ? null : Math.round(upstreamS * 1e6) / 1e3,
        ttft_ms: ttftS === null ? null : Math.round(ttftS * 1e6) / 1e3,
        prompt_tokens: r?.promptTokens ?? null,
        completion_tokens: r?.completionTokens ?? null,
        cached_tokens: r?.cachedTokens ?? null,
      },
    });
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}

/**
 * How much of the body of a refused request (too large, no token, …) is still read and thrown away after the
 * answer, so that a client that sent it in one go reads its answer on a connection that stays usable; Go's
 * net/http reads the same amount of a body its handler left unread. What keeps coming beyond it (a chunked body
 * need not end) closes the connection.
 */
const REFUSED_BODY_DISCARD_BYTES = 256 * 1024;

function discardAtMost(req: IncomingMessage, limitBytes: number): void {
  if (req.complete) return;
  let left = limitBytes;
  const onData = (chunk: Buffer): void => {
    left -= chunk.length;
    if (left >= 0) return;
    req.off('data', onData);
    req.socket.destroy();
  };
  req.on('data', onData);
}

/** SHA-256 of recently seen tokens: a client sends the same token thousands of times. Bounded. */
const hashes = new Map<string, string>();

function tokenHashOf(req: ClientRequest): string {
  const auth = req.headers.authorization;
  if (auth === undefined || auth.length < 8 || auth.slice(0, 7).toLowerCase() !== 'bearer ') {
    throw ProxyErrors.error('missing_token');
  }
  const token = auth.slice(7).trim();
  let hash = hashes.get(token);
  if (hash === undefined) {
    if (!isTokenFormat(token)) throw ProxyErrors.error('invalid_token');
    hash = hashToken(token);
    if (hashes.size >= 10_000) hashes.clear();
    hashes.set(token, hash);
  }
  return hash;
}

/** Parsed upstream base URLs (there are only a handful). */
const bases = new Map<string, { origin: string; path: string }>();

function baseOf(url: string): { origin: string; path: string } {
  let b = bases.get(url);
  if (b === undefined) {
    const u = new URL(url);
    b = { origin: u.origin, path: u.pathname.endsWith('/') ? u.pathname.slice(0, -1) : u.pathname };
    if (bases.size >= 1000) bases.clear();
    bases.set(url, b);
  }
  return b;
}

function upstreamError(err: Error): LlmopsError {
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return ProxyErrors.error('upstream_timeout', undefined, { cause: err });
  return ProxyErrors.error('upstream_unreachable', undefined, { cause: err });
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : 'internal_error';
}

/** Longest model name kept for the audit and logs: a client's string, which could be as long as the body. */
const MODEL_CHARS = 256;

function clip(model: string): string {
  return model.length > MODEL_CHARS ? model.slice(0, MODEL_CHARS) : model;
}
