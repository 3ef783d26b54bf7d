import { describe, expect, it } from 'vitest';
import { StoreConstraintError } from '../store-errors.js';
import { newProject, sleep, useMigratedStore, type OpenStore } from './harness.js';

export function projectCases(open: OpenStore): void {
  describe('projects', () => {
    const store = useMigratedStore(open);

    it('creates an active project and reads it back unchanged', async () => {
      const before = Date.now();
      const created = await store().createProject({
        id: 'p-1',
        name: 'alpha',
        apiKeyStored: 'enc:v1:abc',
        upstreamUrl: 'http://127.0.0.1:8000',
      });
      expect(created).toMatchObject({
        id: 'p-1',
        name: 'alpha',
        apiKeyStored: 'enc:v1:abc',
        upstreamUrl: 'http://127.0.0.1:8000',
        isActive: true,
        deactivatedAt: null,
      });
      expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(created.updatedAt).toEqual(created.createdAt);
      expect(await store().getProject('p-1')).toEqual(created);
    });

    it('returns undefined for an unknown project', async () => {
      expect(await store().getProject('nope')).toBeUndefined();
      expect(await store().updateProject('nope', { name: 'x' })).toBeUndefined();
    });

    it('lists projects by name', async () => {
      await newProject(store(), { name: 'charlie' });
      await newProject(store(), { name: 'alpha' });
      await newProject(store(), { name: 'bravo' });
      expect((await store().listProjects()).map((p) => p.name)).toEqual(['alpha', 'bravo', 'charlie']);
    });

    it('rejects a second project with the same name as a constraint error', async () => {
      await newProject(store(), { name: 'taken' });
      const attempt = newProject(store(), { name: 'taken' });
      await expect(attempt).rejects.toBeInstanceOf(StoreConstraintError);
      await expect(newProject(store(), { name: 'taken' })).rejects.toMatchObject({
        constraint: 'unique',
        subject: 'projects.name',
      });
    });

    it('rejects renaming a project to a name in use', async () => {
      await newProject(store(), { name: 'one' });
      const two = await newProject(store(), { name: 'two' });
      await expect(store().updateProject(two.id, { name: 'one' })).rejects.toMatchObject({
        constraint: 'unique',
      });
    });

    it('updates only the fields given and advances updatedAt', async () => {
      const project = await newProject(store(), { upstreamUrl: 'http://a.example' });
      await sleep(5);
      const updated = await store().updateProject(project.id, { apiKeyStored: 'enc:v1:new' });
      expect(updated).toMatchObject({
        name: project.name,
        apiKeyStored: 'enc:v1:new',
        upstreamUrl: 'http://a.example',
      });
      expect(updated?.updatedAt.getTime()).toBeGreaterThan(project.updatedAt.getTime());
      expect(updated?.createdAt).toEqual(project.createdAt);
      expect(await store().updateProject(project.id, { upstreamUrl: null })).toMatchObject({
        upstreamUrl: null,
      });
    });

    it('leaves a project untouched by an empty patch', async () => {
      const project = await newProject(store());
      expect(await store().updateProject(project.id, {})).toEqual(project);
    });

    it('stamps deactivatedAt when deactivated, keeps the first stamp, and clears it on reactivation', async () => {
      const project = await newProject(store());
      const off = await store().updateProject(project.id, { isActive: false });
      expect(off?.isActive).toBe(false);
      expect(off?.deactivatedAt).toBeInstanceOf(Date);
      await sleep(5);
      const again = await store().updateProject(project.id, { isActive: false });
      expect(again?.deactivatedAt).toEqual(off?.deactivatedAt);
      const on = await store().updateProject(project.id, { isActive: true });
      expect(on).toMatchObject({ isActive: true, deactivatedAt: null });
    });

    it('encrypts only the keys stored in clear, once', async () => {
      const keys = { clear: 'sk-plain', sealed: 'enc:v1:c2VhbGVk', empty: '' };
      for (const [id, apiKeyStored] of Object.entries(keys)) {
        await store().createProject({ id, name: id, apiKeyStored, upstreamUrl: null });
      }
      const encrypt = (plain: string): string => `enc:v1:${Buffer.from(plain).toString('base64')}`;
      expect(await store().encryptPlaintextKeys(encrypt)).toBe(1);
      expect(await store().encryptPlaintextKeys(encrypt)).toBe(0);
      const stored = Object.fromEntries((await store().listProjects()).map((p) => [p.id, p.apiKeyStored]));
      expect(stored).toEqual({ clear: encrypt('sk-plain'), sealed: keys.sealed, empty: '' });
    });
  });
}
