import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvent } from '../store/conformance/harness.js';
import { openSqliteStore, type AuditOutcome, type NewAuditEvent, type Store } from '../store/index.js';
import { AuditWriter } from './audit-writer.js';

const event = (n: number): NewAuditEvent => auditEvent({ id: `e-${String(n)}` });

/** A store whose audit writes take `ms` and fail while `failing` is set; it records the batches it accepted. */
function slowStore(ms: number) {
  const batches: string[][] = [];
  const state = { failing: false };
  const store = {
    async appendAudit(events: readonly NewAuditEvent[]) {
      await new Promise((r) => setTimeout(r, ms));
      if (state.failing) throw new Error('disk full');
      batches.push(events.map((e) => e.id ?? ''));
    },
  } as unknown as Store;
  return { store, batches, state };
}

const log = () => {
  const lines: string[] = [];
  return { lines, error: (_o: object, msg?: string) => void lines.push(msg ?? '') };
};

describe('AuditWriter', () => {
  it('writes what queued up during a slow write as soon as it makes a batch, not at the next interval', async () => {
    const { store, batches } = slowStore(30);
    const w = new AuditWriter(store, log(), undefined, 100_000, 10);
    for (let i = 0; i < 10; i++) w.push(event(i)); // a batch: its write starts
    for (let i = 10; i < 25; i++) w.push(event(i)); // 15 more arrive while it runs
    await new Promise((r) => setTimeout(r, 100));
    // The 15 go at once too, as batches of at most 10.
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `e-${String(i)}`));
    expect(w.pending).toBe(0);
  });

  it('keeps a failed batch, in order and ahead of newer events, and close() writes everything', async () => {
    const { store, batches, state } = slowStore(1);
    const l = log();
    const w = new AuditWriter(store, l, undefined, 100_000, 1000);
    state.failing = true;
    w.push(event(1));
    w.push(event(2));
    await expect(w.flush()).rejects.toThrow('disk full');
    expect(l.lines).toContain('audit write failed; will retry');
    w.push(event(3));
    expect(w.pending).toBe(3);
    state.failing = false;
    await w.close();
    expect(batches.flat()).toEqual(['e-1', 'e-2', 'e-3']);
  });

  it('writes a backlog (after the database was unavailable) in batches of at most batchSize', async () => {
    const { store, batches, state } = slowStore(1);
    const w = new AuditWriter(store, log(), undefined, 100_000, 10);
    state.failing = true;
    for (let i = 0; i < 35; i++) w.push(event(i));
    await w.flush().catch(() => {});
    expect(w.pending).toBe(35);
    state.failing = false;
    await w.close();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 35 }, (_, i) => `e-${String(i)}`));
  });

  it('drops the oldest record beyond its bound, and says so', () => {
    const { store } = slowStore(1);
    const l = log();
    const w = new AuditWriter(store, l, undefined, 3, 1000);
    for (let i = 0; i < 5; i++) w.push(event(i));
    expect(w.pending).toBe(3);
    expect(l.lines.filter((x) => x.startsWith('audit queue full'))).toHaveLength(2);
  });

  it('drops a tenth of a full queue at a time, with one log line, not one per request', () => {
    const { store } = slowStore(1);
    const l = log();
    const w = new AuditWriter(store, l, undefined, 1000, 100_000);
    for (let i = 0; i < 6000; i++) w.push(event(i));
    expect(w.pending).toBeLessThanOrEqual(1000);
    expect(w.pending).toBeGreaterThan(900);
    // 5,000 records over the bound: 50 drops of 100, not 5,000 lines.
    expect(l.lines.filter((x) => x.startsWith('audit queue full'))).toHaveLength(50);
  });

  describe.each([false, true])('one record the database refuses (audit thread: %s)', (auditThread) => {
    it('is dropped and logged, and the rest of its batch is written', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'llmops-audit-'));
      const store = await openSqliteStore({ path: join(dir, 'audit.db'), auditThread });
      try {
        await store.migrate();
        const l = log();
        const w = new AuditWriter(store, l, undefined, 100_000, 1000);
        w.push(event(1));
        // Breaks the outcome CHECK constraint: no retry can ever write it.
        w.push(auditEvent({ id: 'bad', outcome: 'unknown' as AuditOutcome }));
        w.push(event(2));
        await w.flush().catch(() => {});
        w.push(event(3));
        await w.close();
        const { items } = await store.queryAudit({ page: 1, pageSize: 10 });
        expect(items.map((e) => e.id).sort()).toEqual(['e-1', 'e-2', 'e-3']);
        expect(w.pending).toBe(0);
        expect(l.lines).toContain('audit record refused by the database; dropped');
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
