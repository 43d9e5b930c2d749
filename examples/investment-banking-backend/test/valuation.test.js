import assert from 'node:assert/strict';
import { test } from 'node:test';
import { valuePortfolio } from '../src/valuation.js';

test('converts every position into the reporting currency', () => {
  const positions = [
    { instrument: 'ACME 4.25% 2031', currency: 'EUR', quantity: '100', price: '101.50' },
    { instrument: 'US91282CJL54', currency: 'USD', quantity: '50', price: '98.00' },
  ];

  const v = valuePortfolio(positions, { USD: 1.0842 }, 'EUR');

  assert.deepEqual(v, {
    currency: 'EUR',
    total: 14669.46,
    positions: [
      { instrument: 'ACME 4.25% 2031', currency: 'EUR', value: 10150 },
      { instrument: 'US91282CJL54', currency: 'USD', value: 4519.46 },
    ],
  });
});
