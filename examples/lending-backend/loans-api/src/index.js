// Loans API: POST /loans/offers prices an offer for an applicant. Scores come from
// credit-scoring (gRPC, Project visibility), rates from the utility project's interest-rates
// service; offers are stored in loans-db (MySQL) and quotes cached in loans-cache.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import { priceOffer } from './loan-offer.js';

const env = process.env;
const db = mysql.createPool({
  host: env.DB_HOST, port: Number(env.DB_PORT), user: env.DB_USER, password: env.DB_PASSWORD, database: env.DB_NAME,
  connectionLimit: 10,
});
// pave's cache databases are ACL users restricted to keys under their database name.
const cache = new Redis({
  host: env.CHOREO_LOANS_CACHE_HOSTNAME, port: Number(env.CHOREO_LOANS_CACHE_PORT),
  username: env.CHOREO_LOANS_CACHE_USERNAME, password: env.CHOREO_LOANS_CACHE_PASSWORD,
  keyPrefix: `${env.CHOREO_LOANS_CACHE_DATABASENAME}:`, lazyConnect: true,
});
const proto = grpc.loadPackageDefinition(
  protoLoader.loadSync(new URL('../proto/credit_scoring.proto', import.meta.url).pathname, { longs: Number }),
);
const scoring = new proto.acme.lending.creditscoring.v1.CreditScoring(
  env.CREDIT_SCORING_ADDRESS.replace(/^\w+:\/\//, ''), grpc.credentials.createInsecure(),
);

function score(applicant) {
  return new Promise((resolve, reject) =>
    scoring.ScoreApplicant(applicant, { deadline: Date.now() + 2000 }, (err, reply) => (err ? reject(err) : resolve(reply))));
}

async function productRate(product) {
  const cached = await cache.get(`rate:${product}`).catch(() => null);
  if (cached) return Number(cached);
  const res = await fetch(`${env.INTEREST_API_URL}/rates?product=${encodeURIComponent(product)}`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`interest-rates answered ${res.status}`);
  const { rate } = await res.json();
  await cache.set(`rate:${product}`, String(rate), 'EX', 300).catch(() => undefined);
  return rate;
}

async function readJson(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('body too large');
  }
  return JSON.parse(body);
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/loans/healthz') return send(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/loans/offers') return send(res, 404, { error: 'not found' });
  let input;
  try {
    input = await readJson(req);
  } catch {
    return send(res, 400, { error: 'expected a JSON body' });
  }
  try {
    const [{ band }, ratePercent] = await Promise.all([
      score({
        applicant_id: input.applicantId,
        annual_income_cents: input.annualIncomeCents,
        existing_debt_cents: input.existingDebtCents ?? 0,
        requested_amount_cents: input.amountCents,
        term_months: input.termMonths,
      }),
      productRate(input.product),
    ]);
    const offer = { id: randomUUID(), ...priceOffer({ amountCents: input.amountCents, termMonths: input.termMonths, ratePercent, band }) };
    await db.execute(
      'INSERT INTO offers (id, applicant_id, product, decision, rate_percent, monthly_payment_cents) VALUES (?, ?, ?, ?, ?, ?)',
      [offer.id, input.applicantId, input.product, offer.decision, offer.ratePercent ?? null, offer.monthlyPaymentCents ?? null],
    );
    send(res, 201, offer);
  } catch (err) {
    console.error('pricing failed', err);
    send(res, 502, { error: 'pricing temporarily unavailable' });
  }
});

server.listen(8080, () => console.log('loans-api listening on :8080'));
process.on('SIGTERM', () => server.close(() => Promise.all([db.end(), cache.quit()])));
