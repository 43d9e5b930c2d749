/**
 * Price a loan: the monthly payment of an annuity at the product rate, or a decline when the
 * applicant's credit band does not qualify. Amounts in cents; the rate is a yearly percentage.
 */
export function priceOffer({ amountCents, termMonths, ratePercent, band }) {
  if (band === 'DECLINE' || band === 'D') return { decision: 'declined', band };
  const surchargePercent = band === 'C' ? 1.5 : band === 'B' ? 0.5 : 0;
  const yearly = ratePercent + surchargePercent;
  const monthly = yearly / 100 / 12;
  const payment = monthly === 0 ? amountCents / termMonths : (amountCents * monthly) / (1 - (1 + monthly) ** -termMonths);
  return {
    decision: 'offered',
    band,
    ratePercent: Math.round(yearly * 1000) / 1000,
    monthlyPaymentCents: Math.round(payment),
    totalRepaidCents: Math.round(payment) * termMonths,
  };
}
