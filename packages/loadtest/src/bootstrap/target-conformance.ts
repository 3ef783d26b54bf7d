import assert from 'node:assert/strict';
import { BootstrapError } from './bootstrap-errors.js';
import type { BootstrapTarget } from './bootstrap-target.js';

export interface TargetConformanceContext {
  /** Fresh per case: object names start with it, since some servers never free a name. */
  prefix: string;
  /** Credentials the target was given; no error message may contain them. */
  secrets: readonly string[];
}

export interface TargetConformanceCase {
  name: string;
  run(target: BootstrapTarget, ctx: TargetConformanceContext): Promise<void>;
}

/**
 * What every `BootstrapTarget` must do, as plain async checks (node:assert), so each target's test registers them
 * with its own server — an in-memory one, a fake, a real gateway — and a custom target can be checked the same way.
 * Each case deletes what it creates.
 */
export const TARGET_CONFORMANCE_CASES: readonly TargetConformanceCase[] = [
  {
    name: 'creates an organization, a user and a key, returning ids, the names and the clear key',
    async run(target, { prefix }) {
      const org = await target.createOrganization({ name: `${prefix}-org` });
      assert.equal(org.name, `${prefix}-org`);
      assert.ok(org.id.length > 0);
      const user = await target.createUser({
        name: `${prefix}-user`,
        email: `${prefix}-user@loadtest.example.com`,
        organizationId: org.id,
      });
      assert.equal(user.name, `${prefix}-user`);
      const key = await target.createApiKey({
        name: `${prefix}-key`,
        userId: user.id,
        organizationId: org.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      assert.equal(key.name, `${prefix}-key`);
      assert.ok(key.id.length > 0 && key.key.length > 0);
      await target.deleteApiKey(key.id);
      await target.deleteUser(user.id);
      await target.deleteOrganization(org.id);
    },
  },
  {
    name: 'gives each of a user’s keys its own id and secret, with or without expiry',
    async run(target, { prefix }) {
      const org = await target.createOrganization({ name: `${prefix}-org` });
      const user = await target.createUser({
        name: `${prefix}-user`,
        email: `${prefix}-user@loadtest.example.com`,
        organizationId: org.id,
      });
      const keys = [];
      for (const [i, expiresAt] of [null, new Date(Date.now() + 3_600_000)].entries()) {
        keys.push(
          await target.createApiKey({
            name: `${prefix}-key-${String(i)}`,
            userId: user.id,
            organizationId: org.id,
            expiresAt,
          }),
        );
      }
      assert.equal(new Set(keys.map((k) => k.id)).size, 2);
      assert.equal(new Set(keys.map((k) => k.key)).size, 2);
      for (const k of keys) await target.deleteApiKey(k.id);
      await target.deleteUser(user.id);
      await target.deleteOrganization(org.id);
    },
  },
  {
    name: 'refuses a key for an unknown user or organization with a 4xx http_status error that leaks nothing',
    async run(target, { prefix, secrets }) {
      const err = await target
        .createApiKey({
          name: `${prefix}-key`,
          userId: `${prefix}-no-such-user`,
          organizationId: `${prefix}-no-such-org`,
          expiresAt: null,
        })
        .then(
          () => assert.fail('a key for an unknown user was created'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof BootstrapError, 'a BootstrapError');
      assert.equal(err.code, 'http_status');
      assert.ok(
        err.status !== undefined && err.status >= 400 && err.status < 500,
        `4xx, got ${String(err.status)}`,
      );
      for (const s of secrets) assert.ok(!err.message.includes(s), 'the message contains a secret');
    },
  },
  {
    name: 'answers the delete of an unknown key with 404 or success (cleanup counts both as done)',
    async run(target, { prefix }) {
      await target.deleteApiKey(`${prefix}-no-such-key`).catch((e: unknown) => {
        assert.ok(e instanceof BootstrapError && e.status === 404, `404, got ${String(e)}`);
      });
    },
  },
];
