import { describe, expect, it } from 'vitest';
import { spots, validateText } from '../../../test/helpers/descriptor-tree.js';

const endpointsYaml = (entry: string) => `version: 0.1
endpoints:
  - name: Greeting Service
    port: 9090
    type: REST
${entry}`;

describe('endpoints.yaml', () => {
  it('accepts free-text names and the singular visibility, with the outdated warning', () => {
    const report = validateText(endpointsYaml('    networkVisibility: Public\n    context: /greeting\n'), { name: 'endpoints.yaml' });

    expect(report.errors).toEqual([]);
    expect(report.schemaVersion).toBe('0.1');
    expect(report.warnings.map((d) => d.code)).toEqual(['outdated-source-config']);
    expect(report.warnings[0]?.message).toContain('OUTDATED SOURCE CONFIG: endpoints.yaml');
    expect(report.warnings[0]?.hint).toContain('component.yaml');
  });

  it.each([
    ['context missing for REST', '', '3:5 context-required'],
    ['context without slash', '    context: greeting\n', '6:14 base-path-pattern'],
    ['unknown visibility', '    context: /\n    networkVisibility: Internal\n', '7:24 visibility'],
  ])('%s', (_name, entry, spot) => {
    expect(spots(validateText(endpointsYaml(entry), { name: 'endpoints.yaml' }))).toEqual([spot]);
  });

  it('needs no context for TCP, and allows Public TCP endpoints (no Project-only rule here)', () => {
    const text = endpointsYaml('    networkVisibility: Public\n').replace('type: REST', 'type: TCP');

    expect(validateText(text, { name: 'endpoints.yaml' }).errors).toEqual([]);
  });

  it('requires version and the endpoints list (which may be empty)', () => {
    expect(validateText('version: "1.0"\nendpoints: []\n', { name: 'endpoints.yaml' }).errors).toEqual([]);
    expect(spots(validateText('endpoints: []\n', { name: 'endpoints.yaml' }))).toEqual(['1:1 required']);
    expect(spots(validateText('version: 0.1\n', { name: 'endpoints.yaml' }))).toEqual(['1:1 required']);
  });

  it('warns about duplicate names, which Choreo does not check in legacy files', () => {
    const text = endpointsYaml('    context: /\n') + '  - {name: Greeting Service, port: 9091, type: TCP}\n';

    const report = validateText(text, { name: 'endpoints.yaml' });

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toContain('7:12 duplicate-endpoint-name');
  });
});

describe('component-config.yaml', () => {
  const config = (apiVersion: string, outbound = '') => `apiVersion: ${apiVersion}
kind: ComponentConfig
spec:
  inbound:
    - name: Pet Store
      port: 9090
      type: REST
      context: /
${outbound}`;

  it('accepts v1beta1 with inbound and outbound references', () => {
    const outbound = `  outbound:
    serviceReferences:
      - name: choreo:///acme/shop/pets/5c69c/v1.0/PUBLIC
        connectionConfig: 01eea090-0da9-1550-ba7c-e54e4f4e56be
        env:
          - {from: ServiceURL, to: PETS_URL}
`;
    const report = validateText(config('core.choreo.dev/v1beta1', outbound), { name: 'component-config.yaml' });

    expect(report.errors).toEqual([]);
    expect(report.warnings.map((d) => d.code)).toEqual(['outdated-source-config']);
  });

  it('rejects the v1alpha1 format with a migration hint', () => {
    const report = validateText(config('core.choreo.dev/v1alpha1'), { name: 'component-config.yaml' });

    expect(spots(report)).toEqual(['1:13 api-version']);
    expect(report.errors[0]?.hint).toContain('component.yaml');
  });

  it('requires env on outbound references (the docs say optional; the validator does not)', () => {
    const outbound = `  outbound:
    serviceReferences:
      - name: database:shop
        connectionConfig: 01eea090-0da9-1550-ba7c-e54e4f4e56be
`;
    expect(spots(validateText(config('core.choreo.dev/v1beta1', outbound), { name: 'component-config.yaml' }))).toEqual(['11:9 required']);
  });

  it('requires kind ComponentConfig', () => {
    const report = validateText(config('core.choreo.dev/v1beta1').replace('kind: ComponentConfig', 'kind: Component'), { name: 'component-config.yaml' });

    expect(spots(report)).toEqual(['2:7 kind']);
  });
});
