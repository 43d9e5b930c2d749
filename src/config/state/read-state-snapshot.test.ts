import { describe, expect, it } from 'vitest';
import { aDescriptor, aPlatform, byRepo, located } from '../../../test/helpers/builders.js';
import { plan } from '../../planner/plan.js';
import { readStateSnapshot } from './read-state-snapshot.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('readStateSnapshot', () => {
  const platform = aPlatform();
  const p = plan({ platform, known: [located('acme/exchange-rates', aDescriptor('exchange-rates'))], current: new Map(), projectOf: byRepo(platform) });
  const dev = p.components[0]!.environments[0]!;
  if (dev.status === 'invalid') throw new Error('invalid fixture');

  it('reads desired.json files keyed by environment/project/component', () => {
    const file = 'environments/development/utility/exchange-rates/desired.json';

    const read = readStateSnapshot({ paths: new Set([file]), files: new Map([[file, enc(JSON.stringify(dev.desired))]]) });

    expect(read.warnings).toEqual([]);
    expect(read.snapshot.get('development/utility/exchange-rates')).toEqual(dev.desired);
  });

  it('warns about unusable files and treats them as absent', () => {
    const files = new Map([
      ['environments/development/utility/broken/desired.json', enc('{nope')],
      ['environments/staging/utility/exchange-rates/desired.json', enc(JSON.stringify(dev.desired))], // says development inside
      ['environments/development/utility/x/release.json', enc('{}')],
    ]);

    const read = readStateSnapshot({ paths: new Set(files.keys()), files });

    expect(read.snapshot.size).toBe(0);
    expect(read.warnings.map((w) => w.file)).toEqual([
      'environments/development/utility/broken/desired.json',
      'environments/staging/utility/exchange-rates/desired.json',
    ]);
  });
});
