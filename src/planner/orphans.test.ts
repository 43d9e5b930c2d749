import { describe, expect, it } from 'vitest';
import { aDesiredState } from '../../test/helpers/desired-state.js';
import { parseOrphanFile, readStateSnapshot } from '../config/state/read-state-snapshot.js';
import type { OrphanedDatabase, OrphanFile } from '../domain/orphans.js';
import type { DesiredDatabase } from '../domain/plan.js';
import { diffStates } from './diff.js';
import { applyOrphans, deleteCommand, deleteOrphan, DELETIONS_KEPT, orphanFileText } from './orphans.js';

const db = (name: string, over: Partial<DesiredDatabase> = {}): DesiredDatabase => ({
  name, engine: 'postgresql', plan: 'postgresql/small', connectionLimit: 10, host: 'pg.dev', port: 5432,
  database: `lending_loans_api_${name.replace(/-/g, '_')}_development`, user: `lending_loans_api_${name.replace(/-/g, '_')}`, ...over,
});
const at = { since: '2026-03-01T10:00:00.000Z', sourceSha: 'a'.repeat(40), actor: 'dev' };
const orphan = (name: string): OrphanedDatabase => ({ ...db(name), ...at });
const none: OrphanFile = { databases: [], deleted: [] };

describe('applyOrphans', () => {
  it('records a database the new desired state no longer declares, with when, which commit and who', () => {
    const change = applyOrphans([db('loans-db'), db('audit-db')], none, [db('loans-db')], at);

    expect(change.orphaned).toEqual([orphan('audit-db')]);
    expect(change.file).toEqual({ databases: [orphan('audit-db')], deleted: [] });
    expect(change.adopted).toEqual([]);
  });

  it('keeps earlier orphans as they were (a later apply does not move "since")', () => {
    const later = { ...at, since: '2026-04-01T00:00:00.000Z', sourceSha: 'b'.repeat(40) };

    const change = applyOrphans([db('loans-db')], { databases: [orphan('audit-db')], deleted: [] }, [db('loans-db')], later);

    expect(change.file.databases).toEqual([orphan('audit-db')]);
    expect(change.orphaned).toEqual([]);
  });

  it('adopts an orphan declared again under the same name', () => {
    const change = applyOrphans([db('loans-db')], { databases: [orphan('audit-db')], deleted: [] }, [db('loans-db'), db('audit-db')], at);

    expect(change.adopted).toEqual([orphan('audit-db')]);
    expect(change.file.databases).toEqual([]);
    expect(orphanFileText(change.file)).toBeNull();
  });

  it('is the same file when applied again (a retried apply)', () => {
    const once = applyOrphans([db('loans-db'), db('audit-db')], none, [db('loans-db')], at);
    const twice = applyOrphans([db('loans-db')], once.file, [db('loans-db')], at);

    expect(orphanFileText(twice.file)).toBe(orphanFileText(once.file));
    expect(twice.orphaned).toEqual([]);
  });
});

describe('deleteOrphan', () => {
  const deletion = { deletedAt: '2026-05-01T00:00:00.000Z', deletedBy: 'admin', request: 'https://github.com/acme/x/issues/1#issuecomment-9', requestId: 9, changed: ['dropped database'] };

  it('moves the orphan to the bounded deletion history', () => {
    const file = deleteOrphan({ databases: [orphan('audit-db'), orphan('b-db')], deleted: [] }, 'audit-db', deletion);

    expect(file.databases.map((d) => d.name)).toEqual(['b-db']);
    expect(file.deleted).toEqual([{ ...orphan('audit-db'), ...deletion }]);
    let many: OrphanFile = { databases: Array.from({ length: 30 }, (_, i) => orphan(`d${i}`)), deleted: [] };
    for (let i = 0; i < 30; i++) many = deleteOrphan(many, `d${i}`, { ...deletion, requestId: i });
    expect(many.deleted).toHaveLength(DELETIONS_KEPT);
    expect(many.deleted.at(-1)!.requestId).toBe(29);
  });

  it('leaves the file alone for a name that is no orphan', () => {
    const file = { databases: [orphan('audit-db')], deleted: [] };
    expect(deleteOrphan(file, 'other', deletion)).toBe(file);
  });
});

describe('plans with orphans', () => {
  const desired = aDesiredState({ databases: [db('loans-db')] });

  it('keeps showing a recorded orphan as retained, with since and the command that deletes it', () => {
    const current = { ...desired, orphans: [orphan('audit-db')] };

    const actions = diffStates(current, desired);

    expect(actions).toEqual([{
      op: 'retain-orphan', resource: 'database', name: 'audit-db',
      detail: expect.stringContaining('retained since 2026-03-01T10:00:00.000Z') as string,
    }]);
    expect(actions[0]).toMatchObject({ detail: expect.stringContaining(`\`${deleteCommand('development', 'loans-api', orphan('audit-db'))}\``) as string });
  });

  it('adopts an orphan declared again instead of creating it', () => {
    const current = { ...aDesiredState({ databases: [db('loans-db')] }), orphans: [orphan('audit-db')] };
    const back = aDesiredState({ databases: [db('loans-db'), db('audit-db', { connectionLimit: 20 })] });

    const actions = diffStates(current, back);

    expect(actions).toEqual([{ op: 'update', resource: 'database', name: 'audit-db', changes: [
      { field: 'orphan', from: 'retained since 2026-03-01T10:00:00.000Z', to: 'adopted again, data intact' },
      { field: 'connectionLimit', from: 10, to: 20 },
    ] }]);
  });

  it('reads orphans.json beside desired.json into the current state', () => {
    const dir = 'environments/development/lending/loans-api';
    const files = new Map([
      [`${dir}/desired.json`, new TextEncoder().encode(JSON.stringify(desired))],
      [`${dir}/orphans.json`, new TextEncoder().encode(orphanFileText({ databases: [orphan('audit-db')], deleted: [] })!)],
      ['environments/development/lending/gone/orphans.json', new TextEncoder().encode('{"databases":[]}')],
    ]);

    const read = readStateSnapshot({ paths: new Set(files.keys()), files });

    expect(read.snapshot.get('development/lending/loans-api')?.orphans).toEqual([orphan('audit-db')]);
    expect([...read.snapshot.keys()]).toEqual(['development/lending/loans-api']);
  });

  it('warns about an unusable orphans file', () => {
    for (const text of ['{', '[]', '{"databases":[{"name":"x"}]}']) expect(typeof parseOrphanFile(text)).toBe('string');
    expect(parseOrphanFile(undefined)).toEqual(none);
    const file = 'environments/development/lending/loans-api/orphans.json';
    const read = readStateSnapshot({ paths: new Set([file]), files: new Map([[file, new TextEncoder().encode('{')]]) });
    expect(read.warnings).toEqual([expect.objectContaining({ code: 'state-unreadable', file })]);
  });
});
