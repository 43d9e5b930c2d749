/**
 * Value a portfolio in a reporting currency: each position's market value converted with the
 * exchange-rates service's rates for that currency.
 */
export function valuePortfolio(positions, rates, currency) {
  let total = 0;
  const lines = positions.map((p) => {
    const rate = p.currency === currency ? 1 : rates[p.currency];
    if (rate === undefined) throw new Error(`no ${currency}/${p.currency} rate`);
    const value = (Number(p.quantity) * Number(p.price)) / rate;
    total += value;
    return { instrument: p.instrument, currency: p.currency, value: round2(value) };
  });
  return { currency, total: round2(total), positions: lines };
}

function round2(n) {
  return Math.round(n * 100) / 100;
}
