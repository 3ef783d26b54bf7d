import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditQuery, NewAuditEvent } from '../store.js';
import { auditEvent, useMigratedStore, type OpenStore } from './harness.js';

const T0 = Date.parse('2026-03-28T12:00:00.000Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const page = (q: Partial<AuditQuery> = {}): AuditQuery => ({ page: 1, pageSize: 100, ...q });

export function auditCases(open: OpenStore): void {
  describe('audit log', () => {
    const store = useMigratedStore(open);

    it('stores every field and reads the event back by id', async () => {
      const event = auditEvent({
        id: 'evt-1',
        timestamp: new Date('2026-03-28T12:34:56.789Z'),
        action: 'token.create',
        actor: 'management_api',
        outcome: 'denied',
        projectId: 'p-1',
        requestId: 'req-1',
        correlationId: 'corr-1',
        clientIp: '10.0.0.7',
        method: 'POST',
        path: '/manage/tokens',
        userAgent: 'curl/8',
        reason: 'project inactive',
        tokenId: 't-1',
        metadata: { status: 403, nested: { model: 'llm-prod' }, tags: ['a'] },
      });
      await store().appendAudit([event]);
      expect(await store().getAudit('evt-1')).toEqual(event);
      expect(await store().getAudit('nope')).toBeUndefined();
    });

    it('assigns an id to an event that has none', async () => {
      await store().appendAudit([auditEvent()]);
      const { items } = await store().queryAudit(page());
      expect(items[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('accepts an empty batch', async () => {
      await store().appendAudit([]);
      expect((await store().queryAudit(page())).totalCount).toBe(0);
    });

    it.each([
      ['a small batch', 3],
      ['a batch larger than one INSERT', 1203],
    ])('writes %s all or nothing', async (_name, size) => {
      const events = Array.from({ length: size }, (_, i) => auditEvent({ id: `e-${String(i)}` }));
      const broken = [...events, auditEvent({ id: 'e-0' })];
      await expect(store().appendAudit(broken)).rejects.toThrow();
      expect((await store().queryAudit(page())).totalCount).toBe(0);
      await store().appendAudit(events);
      expect((await store().queryAudit(page())).totalCount).toBe(size);
    });

    it('lists newest first and pages without overlap, with the total count', async () => {
      await store().appendAudit(
        Array.from({ length: 25 }, (_, i) =>
          auditEvent({ id: `e-${String(i).padStart(2, '0')}`, timestamp: at(i) }),
        ),
      );
      const pages = await Promise.all(
        [1, 2, 3, 4].map((p) => store().queryAudit(page({ page: p, pageSize: 10 }))),
      );
      expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5, 0]);
      expect(pages.every((p) => p.totalCount === 25)).toBe(true);
      const ids = pages.flatMap((p) => p.items.map((e) => e.id));
      expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `e-${String(24 - i).padStart(2, '0')}`));
    });

    it('orders events with the same timestamp deterministically', async () => {
      await store().appendAudit(['b', 'c', 'a'].map((id) => auditEvent({ id, timestamp: at(0) })));
      const first = await store().queryAudit(page({ pageSize: 2 }));
      const second = await store().queryAudit(page({ page: 2, pageSize: 2 }));
      expect([...first.items, ...second.items].map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
    });

    /** field, the value filtered on, another value, and a near miss (the value with a suffix, or a sibling). */
    const filters: [keyof AuditQuery & keyof NewAuditEvent, string, string, string][] = [
      ['action', 'token.revoke', 'token.create', 'token.revoke_batch'],
      ['clientIp', '10.0.0.1', '10.0.0.2', '10.0.0.10'],
      ['projectId', 'p-a', 'p-b', 'p-ab'],
      ['outcome', 'failure', 'success', 'denied'],
      ['actor', 'management_api', 'system', 'management_api2'],
      ['requestId', 'req-a', 'req-b', 'req-ab'],
      ['correlationId', 'corr-a', 'corr-b', 'corr-ab'],
      ['method', 'DELETE', 'GET', 'DELETED'],
      ['path', '/manage/tokens/1', '/manage/tokens', '/manage/tokens/10'],
    ];
    it.each(filters)('filters on %s by exact value', async (field, wanted, other, nearMiss) => {
      await store().appendAudit([
        auditEvent({ id: 'hit', [field]: wanted }),
        auditEvent({ id: 'miss', [field]: other }),
        auditEvent({ id: 'near-miss', [field]: nearMiss }),
      ]);
      const result = await store().queryAudit(page({ [field]: wanted }));
      expect(result.items.map((e) => e.id)).toEqual(['hit']);
      expect(result.totalCount).toBe(1);
    });

    it('combines filters with AND', async () => {
      await store().appendAudit([
        auditEvent({ id: 'both', action: 'token.create', outcome: 'failure' }),
        auditEvent({ id: 'action-only', action: 'token.create', outcome: 'success' }),
        auditEvent({ id: 'outcome-only', action: 'token.list', outcome: 'failure' }),
      ]);
      const result = await store().queryAudit(page({ action: 'token.create', outcome: 'failure' }));
      expect(result.items.map((e) => e.id)).toEqual(['both']);
    });

    describe('search', () => {
      const events = [
        auditEvent({ id: 'by-reason', reason: 'Upstream Timeout after 30s', timestamp: at(5) }),
        auditEvent({ id: 'by-metadata', metadata: { model: 'llm-prod', status: 502 }, timestamp: at(4) }),
        auditEvent({ id: 'by-path', path: '/v1/chat/completions', timestamp: at(3) }),
        auditEvent({ id: 'by-ip', clientIp: '192.168.7.42', timestamp: at(2) }),
        auditEvent({ id: 'by-request-id', requestId: 'req-zebra-1', timestamp: at(1) }),
        auditEvent({ id: 'literal', reason: 'used 100% of quota_limit', timestamp: at(0) }),
        // Would match `100%` and `a_l` if the wildcards were not escaped.
        auditEvent({ id: 'wildcard-bait', reason: 'axle 1000', timestamp: at(-1) }),
      ];
      beforeEach(() => store().appendAudit(events));
      const ids = async (search: string): Promise<string[]> =>
        (await store().queryAudit(page({ search }))).items.map((e) => e.id);

      it('matches a substring of the reason, case-insensitively', async () => {
        expect(await ids('upstream timeout')).toEqual(['by-reason']);
      });
      it('matches inside the metadata JSON', async () =>
        expect(await ids('llm-prod')).toEqual(['by-metadata']));
      it('matches the path', async () => expect(await ids('chat/compl')).toEqual(['by-path']));
      it('matches the client IP', async () => expect(await ids('168.7')).toEqual(['by-ip']));
      it('matches ids', async () => {
        expect(await ids('zebra')).toEqual(['by-request-id']);
      });
      it('treats % and _ as literal characters', async () => {
        expect(await ids('100%')).toEqual(['literal']);
        expect(await ids('a_l')).toEqual(['literal']);
      });
      it('matches nothing for an absent term', async () => expect(await ids('no-such-thing')).toEqual([]));
    });

    describe('time range', () => {
      const events = [-1500, -1, 0, 1, 30, 1500].map((m) =>
        auditEvent({ id: `m${String(m)}`, timestamp: at(m) }),
      );

      it('includes both bounds', async () => {
        await store().appendAudit(events);
        const result = await store().queryAudit(page({ startTime: at(0), endTime: at(30) }));
        expect(result.items.map((e) => e.id)).toEqual(['m30', 'm1', 'm0']);
        expect(result.totalCount).toBe(3);
      });

      it('works with only a start or only an end, across days', async () => {
        await store().appendAudit(events);
        expect((await store().queryAudit(page({ startTime: at(1) }))).items.map((e) => e.id)).toEqual([
          'm1500',
          'm30',
          'm1',
        ]);
        expect((await store().queryAudit(page({ endTime: at(-1) }))).items.map((e) => e.id)).toEqual([
          'm-1',
          'm-1500',
        ]);
      });

      it('compares to the millisecond', async () => {
        await store().appendAudit([auditEvent({ id: 'ms', timestamp: new Date(T0 + 1) })]);
        expect((await store().queryAudit(page({ startTime: new Date(T0 + 2) }))).totalCount).toBe(0);
        expect((await store().queryAudit(page({ endTime: new Date(T0) }))).totalCount).toBe(0);
        expect(
          (await store().queryAudit(page({ startTime: new Date(T0 + 1), endTime: new Date(T0 + 1) })))
            .totalCount,
        ).toBe(1);
      });

      it('combines with filters, search and paging', async () => {
        await store().appendAudit(
          Array.from({ length: 12 }, (_, i) =>
            auditEvent({
              id: `r${String(i).padStart(2, '0')}`,
              timestamp: at(i),
              reason: i % 2 === 0 ? 'even' : 'odd',
              outcome: 'error',
            }),
          ),
        );
        const result = await store().queryAudit({
          page: 2,
          pageSize: 2,
          search: 'even',
          outcome: 'error',
          startTime: at(2),
          endTime: at(10),
        });
        expect(result.totalCount).toBe(5);
        expect(result.items.map((e) => e.id)).toEqual(['r06', 'r04']);
      });
    });
  });
}
