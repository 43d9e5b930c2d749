import { describe, expect, it } from 'vitest';
import { choreoEnvVar, endpointId, fillPattern, physicalName } from './names.js';

describe('choreoEnvVar', () => {
  it.each([
    ['appointment_connection', 'ServiceURL', 'CHOREO_APPOINTMENT_CONNECTION_SERVICEURL'],
    ['Book Listing Connection', 'ServiceURL', 'CHOREO_BOOK_LISTING_CONNECTION_SERVICEURL'],
    ['Invoice-db', 'HostName', 'CHOREO_INVOICE_DB_HOSTNAME'],
    ['NewConn2', 'ChoreoAPIKey', 'CHOREO_NEWCONN2_CHOREOAPIKEY'],
    ['  rates.v1 ', 'Password', 'CHOREO_RATES_V1_PASSWORD'],
  ])('%s + %s → %s', (name, key, expected) => {
    expect(choreoEnvVar(name, key)).toBe(expected);
  });
});

describe('endpointId', () => {
  it('is 5 hex characters and stable', () => {
    const id = endpointId('utility', 'exchange-rates', 'rates-api');

    expect(id).toMatch(/^[0-9a-f]{5}$/);
    expect(endpointId('utility', 'exchange-rates', 'rates-api')).toBe(id);
    expect(endpointId('utility', 'exchange-rates', 'other')).not.toBe(id);
  });
});

describe('physicalName', () => {
  it('sanitizes parts into an identifier', () => {
    expect(physicalName(['Lending', 'loans-api', 'loans db', 'development'], 63)).toBe('lending_loans_api_loans_db_development');
  });

  it('cuts long names and keeps them distinct with a hash', () => {
    const a = physicalName(['investment-banking', 'investment-banking-backend', 'portfolio-db', 'production'], 32);
    const b = physicalName(['investment-banking', 'investment-banking-backend', 'portfolio-db', 'staging'], 32);

    expect(a.length).toBeLessThanOrEqual(32);
    expect(b.length).toBeLessThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('never starts with a digit or keeps SQL metacharacters', () => {
    expect(physicalName(["1; DROP TABLE x; --", "a'b"], 63)).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe('fillPattern', () => {
  it('fills known placeholders and keeps unknown ones', () => {
    expect(fillPattern('{project}-{environment}-{x}', { project: 'utility', environment: 'dev' })).toBe('utility-dev-{x}');
  });
});
