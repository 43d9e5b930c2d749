// Portfolio API: positions live in portfolio-db (PostgreSQL); valuations use the utility
// project's exchange-rates service. pave injects PG* and RATES_API_URL (see component.yaml).
import http from 'node:http';
import pg from 'pg';
import { valuePortfolio } from './valuation.js';

const db = new pg.Pool({ max: 10 });
const ratesApi = process.env.RATES_API_URL;

async function ratesFor(currency) {
  const res = await fetch(`${ratesApi}/${encodeURIComponent(currency)}`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`exchange-rates answered ${res.status}`);
  return (await res.json()).rates;
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/portfolio/healthz') return send(res, 200, { status: 'ok' });
  const match = /^\/portfolio\/clients\/([\w-]+)\/valuation$/.exec(url.pathname);
  if (req.method !== 'GET' || !match) return send(res, 404, { error: 'not found' });
  const currency = (url.searchParams.get('currency') ?? 'EUR').toUpperCase();
  try {
    const { rows } = await db.query(
      'SELECT instrument, currency, quantity, price FROM positions WHERE client_id = $1 ORDER BY instrument',
      [match[1]],
    );
    if (rows.length === 0) return send(res, 404, { error: 'unknown client' });
    send(res, 200, valuePortfolio(rows, await ratesFor(currency), currency));
  } catch (err) {
    console.error('valuation failed', err);
    send(res, 502, { error: 'valuation temporarily unavailable' });
  }
});

server.listen(8080, () => console.log('portfolio-api listening on :8080'));
process.on('SIGTERM', () => server.close(() => db.end()));
