import { describe, expect, it } from 'vitest';
import type { Project } from '../../domain/platform.js';
import { findProject } from './find-project.js';

function project(name: string, repos: string[]): Project {
  return { name, displayName: name, owners: [], repos, pipeline: 'default', quotas: {}, databasePlans: [] };
}

const config = {
  projects: new Map([
    ['investment-banking', project('investment-banking', ['acme-bank/investment-banking-backend'])],
    ['lending', project('lending', ['acme-bank/lending-*'])],
    ['payments', project('payments', ['acme-bank/platform-mono/payments/**'])],
    ['platform', project('platform', ['acme-bank/platform-mono', 'acme-bank/tools/**'])],
    ['utility', project('utility', ['acme-bank/exchange-rates', 'acme-bank/interest-rates'])],
  ]),
};

describe('findProject', () => {
  it.each([
    ['acme-bank/investment-banking-backend', '', 'investment-banking'],
    ['acme-bank/exchange-rates', '', 'utility'],
    ['acme-bank/interest-rates', '.', 'utility'],
    ['acme-bank/lending-backend', 'loans-api', 'lending'],
    ['acme-bank/lending-backend', 'credit-scoring/', 'lending'],
    ['acme-bank/lending-backend', './credit-scoring', 'lending'],
    ['acme-bank/lending-portal', '', 'lending'],
    ['ACME-BANK/Exchange-Rates', '', 'utility'],
    // A glob naming a path inside a repository wins over one claiming the whole repository.
    ['acme-bank/platform-mono', 'payments/api', 'payments'],
    ['acme-bank/platform-mono', 'payments', 'payments'],
    ['acme-bank/platform-mono', 'ledger', 'platform'],
    ['acme-bank/platform-mono', '', 'platform'],
    ['acme-bank/tools', 'deep/nested/cli', 'platform'],
    ['acme-bank/tools', '', 'platform'],
  ])('%s at %j belongs to %s', (repo, root, expected) => {
    expect(findProject(config, repo, root)?.name).toBe(expected);
  });

  it.each([
    ['acme-bank/unknown-service', ''],
    ['other-org/exchange-rates', ''],
    ['acme-bank/exchange-rates-v2', ''],
    ['acme-bank/lending', ''],
  ])('%s at %j belongs to no project', (repo, root) => {
    expect(findProject(config, repo, root)).toBeUndefined();
  });

  it('takes the first project in order when two whole-repository globs match', () => {
    const overlapping = { projects: new Map([['a', project('a', ['acme-bank/*'])], ['b', project('b', ['acme-bank/exchange-rates'])]]) };

    expect(findProject(overlapping, 'acme-bank/exchange-rates', '')?.name).toBe('a');
  });
});
