import { randomBytes } from 'node:crypto';
import { BootstrapError } from './bootstrap-errors.js';
import type {
  BootstrapTarget,
  CreatedApiKey,
  CreatedObject,
  NewApiKey,
  NewOrganization,
  NewUser,
  UnsupportedFeature,
} from './bootstrap-target.js';

export interface MemoryOrg extends NewOrganization {
  id: string;
}
export interface MemoryUser extends NewUser {
  id: string;
}
export interface MemoryKey extends NewApiKey {
  id: string;
  key: string;
}

/**
 * Tenants kept in this process: for dry runs, and the reference the other targets are tested against. It keeps
 * an account system's rules — names are unique per kind, a parent must exist, and an organization or user with
 * children cannot be deleted (409) — and answers a missing id with 404, as a remote API would.
 */
export class MemoryBootstrapTarget implements BootstrapTarget {
  readonly kind = 'memory';
  readonly unsupported: readonly UnsupportedFeature[] = [];
  readonly orgs = new Map<string, MemoryOrg>();
  readonly users = new Map<string, MemoryUser>();
  readonly keys = new Map<string, MemoryKey>();
  private next = 0;

  createOrganization(o: NewOrganization): Promise<CreatedObject> {
    return this.answer(() => {
      this.assertNameFree(this.orgs, o.name);
      const org = { ...o, id: this.id('org') };
      this.orgs.set(org.id, org);
      return { id: org.id, name: org.name };
    });
  }

  createUser(u: NewUser): Promise<CreatedObject> {
    return this.answer(() => {
      this.assertNameFree(this.users, u.name);
      if (!this.orgs.has(u.organizationId)) throw status(404, `organization ${u.organizationId} not found`);
      const user = { ...u, id: this.id('user') };
      this.users.set(user.id, user);
      return { id: user.id, name: user.name };
    });
  }

  createApiKey(k: NewApiKey): Promise<CreatedApiKey> {
    return this.answer(() => {
      this.assertNameFree(this.keys, k.name);
      if (!this.users.has(k.userId)) throw status(404, `user ${k.userId} not found`);
      const key = { ...k, id: this.id('key'), key: `mem-${randomBytes(16).toString('hex')}` };
      this.keys.set(key.id, key);
      return { id: key.id, name: key.name, key: key.key };
    });
  }

  deleteApiKey(id: string): Promise<void> {
    return this.answer(() => {
      if (!this.keys.delete(id)) throw status(404, `key ${id} not found`);
    });
  }

  deleteUser(id: string): Promise<void> {
    return this.answer(() => {
      if (!this.users.has(id)) throw status(404, `user ${id} not found`);
      if ([...this.keys.values()].some((k) => k.userId === id))
        throw status(409, `user ${id} still has keys`);
      this.users.delete(id);
    });
  }

  deleteOrganization(id: string): Promise<void> {
    return this.answer(() => {
      if (!this.orgs.has(id)) throw status(404, `organization ${id} not found`);
      if ([...this.users.values()].some((u) => u.organizationId === id)) {
        throw status(409, `organization ${id} still has users`);
      }
      this.orgs.delete(id);
    });
  }

  private id(kind: string): string {
    return `${kind}-${String(++this.next)}`;
  }

  private assertNameFree(objects: Map<string, { name: string }>, name: string): void {
    for (const o of objects.values()) if (o.name === name) throw status(409, `${name} already exists`);
  }

  /** Runs `fn` on a later tick, as a remote call would, so callers cannot depend on synchronous answers. */
  private answer<T>(fn: () => T): Promise<T> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(fn());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
  }
}

function status(code: number, message: string): BootstrapError {
  return new BootstrapError('http_status', `memory: HTTP ${String(code)}: ${message}`, { status: code });
}
