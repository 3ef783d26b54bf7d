import { describe, expect, it } from 'vitest';
import { newProject, type OpenStore } from './harness.js';

export function migrationCases(open: OpenStore): void {
  describe('migrations and readiness', () => {
    it('is not ready before migrating, and ready after', async () => {
      const store = await open();
      try {
        expect(await store.isReady()).toBe(false);
        await store.migrate();
        expect(await store.isReady()).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('migrates idempotently: a second run changes nothing and keeps the data', async () => {
      const store = await open();
      try {
        await store.migrate();
        const project = await newProject(store);
        await store.migrate();
        expect(await store.isReady()).toBe(true);
        expect(await store.getProject(project.id)).toEqual(project);
      } finally {
        await store.close();
      }
    });

    it('is not ready once closed', async () => {
      const store = await open();
      await store.migrate();
      await store.close();
      expect(await store.isReady()).toBe(false);
    });
  });
}
