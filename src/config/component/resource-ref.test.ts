import { describe, expect, it } from 'vitest';
import { parseResourceRef, parseServiceReferenceName } from './resource-ref.js';

describe('parseResourceRef', () => {
  it.each([
    ['service:/investment-banking/backend/v1/clients-api/ORGANIZATION',
      { kind: 'service', project: 'investment-banking', component: 'backend', version: 'v1', endpoint: 'clients-api', visibility: 'ORGANIZATION' }],
    ['service:/HRProject/UserComponent/v1/ad088/PUBLIC',
      { kind: 'service', project: 'HRProject', component: 'UserComponent', version: 'v1', endpoint: 'ad088', visibility: 'PUBLIC' }],
    ['backend/v1', { kind: 'service', component: 'backend', version: 'v1' }],
    ['backend/1.2/ep', { kind: 'service', component: 'backend', version: '1.2', endpoint: 'ep' }],
    ['service:backend/v1/PROJECT', { kind: 'service', component: 'backend', version: 'v1', visibility: 'PROJECT' }],
    ['thirdparty:Stripe API/v1.2', { kind: 'thirdparty', name: 'Stripe API', version: 'v1.2' }],
    ['database:reports-db', { kind: 'database', database: 'reports-db' }],
    ['database:invoice/defaultdb', { kind: 'database', server: 'invoice', database: 'defaultdb' }],
    ['storage:my bucket', { kind: 'storage', name: 'my bucket' }],
  ])('%s', (value, ref) => {
    expect(parseResourceRef(value)).toEqual({ ok: true, ref });
  });

  it.each([
    ['service:test3007/hr-emp-service/v1/ad088/PUBLIC', /leading slash/],
    ['service:/hr/emp/v1/ad088/PUBLIC1', /PUBLIC, PROJECT or ORGANIZATION/],
    ['service:/hr/emp/v1/ad088/public', /capitals/],
    ['thirdparty:stripe/1', /thirdparty:<service name>\/<version>/],
    ['database:a/b/c', /database:\[<server>\/\]<database>/],
    ['storage:', /storage:<name>/],
    ['mystery:x/v1', /prefix must be/],
    ['', /service/],
  ])('rejects %s', (value, hint) => {
    const result = parseResourceRef(value);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.hint).toMatch(hint);
  });
});

describe('parseServiceReferenceName', () => {
  it('parses the legacy choreo:/// form with the endpoint id before the version', () => {
    expect(parseServiceReferenceName('choreo:///acme/hr/employee-svc/ad088/v1.0/PUBLIC')).toEqual({
      ok: true,
      ref: { kind: 'service', org: 'acme', project: 'hr', component: 'employee-svc', endpoint: 'ad088', version: 'v1.0', visibility: 'PUBLIC' },
    });
  });

  it.each(['choreo:///acme/hr/emp/v1/ad088/PUBLIC', 'choreo:///acme/hr/emp/ad088/1/PUBLIC', 'service:/p/c/v1', 'acme/hr'])('rejects %s', (value) => {
    expect(parseServiceReferenceName(value).ok).toBe(false);
  });

  it('accepts thirdparty: and database: names', () => {
    expect(parseServiceReferenceName('thirdparty:Weather/v2').ok).toBe(true);
    expect(parseServiceReferenceName('database:srv/db').ok).toBe(true);
  });
});
