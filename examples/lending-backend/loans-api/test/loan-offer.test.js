import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priceOffer } from '../src/loan-offer.js';

test('band A pays the product rate', () => {
  const offer = priceOffer({ amountCents: 20_000_00, termMonths: 60, ratePercent: 6, band: 'A' });

  assert.deepEqual(offer, {
    decision: 'offered', band: 'A', ratePercent: 6, monthlyPaymentCents: 38666, totalRepaidCents: 2319960,
  });
});

test('band C pays a surcharge and band D is declined', () => {
  assert.equal(priceOffer({ amountCents: 100_000, termMonths: 12, ratePercent: 6, band: 'C' }).ratePercent, 7.5);
  assert.deepEqual(priceOffer({ amountCents: 100_000, termMonths: 12, ratePercent: 6, band: 'D' }), { decision: 'declined', band: 'D' });
});
