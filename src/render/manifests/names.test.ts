import { describe, expect, it } from 'vitest';
import { dataKey, dnsLabel, portNames } from './names.js';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe('dnsLabel', () => {
  it('keeps a valid name', () => {
    expect(dnsLabel('loans-api')).toBe('loans-api');
    expect(dnsLabel('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it.each(['loans-', 'Loans_API', '9lives', `${'long-'.repeat(20)}name`, '---', ''])('makes %j a valid label, marked with a hash of the original', (raw) => {
    const label = dnsLabel(raw);

    expect(label).toMatch(DNS_1035);
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).not.toBe(raw);
    expect(label).toMatch(/-[0-9a-f]{6}$/);
  });

  it('keeps names apart that cleaning would merge', () => {
    expect(dnsLabel('loans-')).not.toBe(dnsLabel('loans--'));
    expect(dnsLabel(`${'x'.repeat(70)}-development`)).not.toBe(dnsLabel(`${'x'.repeat(70)}-production`));
  });
});

describe('portNames', () => {
  it('gives unique IANA service names of at most 15 characters, in order', () => {
    const names = portNames(['Portfolio API', 'portfolio_api', 'portfolio-api-v2-admin', 'portfolio-api-v2-admin', '8080', 'http']);

    expect(names).toEqual(['portfolio-api', 'portfolio-api-2', 'portfolio-api-v', 'portfolio-api-3', 'port', 'http']);
    for (const n of names) expect(n).toMatch(DNS_1035);
  });
});

describe('dataKey', () => {
  it.each([['application.yaml', 'application.yaml'], ['.env', '.env'], ['a_b-c.d', 'a_b-c.d']])('keeps %j', (raw, key) => {
    expect(dataKey(raw)).toBe(key);
  });

  it.each(['settings (prod).toml', '..data', '.', 'dir/file', 'ü.json', ''])('makes %j a valid ConfigMap key', (raw) => {
    const key = dataKey(raw);

    expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    expect(key.startsWith('..')).toBe(false);
    expect(key).not.toBe(raw);
  });
});
