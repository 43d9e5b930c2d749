/**
 * SealedSecrets proven by unsealing them the way the sealed-secrets controller does
 * (`HybridDecrypt` in bitnami-labs/sealed-secrets `pkg/crypto/crypto.go`), with a key pair and a
 * self-signed certificate made here by openssl.
 */
import { execFileSync } from 'node:child_process';
import { constants, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../domain/errors.js';
import { SealingError } from './errors.js';
import { sealingLabel, sealSecret } from './seal-secret.js';
import type { SealedSecret, SealingScope } from './seal-secret.js';
import { parseSealingCertificate } from './sealing-certificate.js';

const OPENSSL = '/usr/bin/openssl';
let dir: string;
let certificatePem: string;
let privateKey: KeyObject;
let privateKeyPath: string;

function makeCertificate(name: string, keyArgs: readonly string[]): { cert: string; keyPath: string } {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  execFileSync(OPENSSL, ['req', '-x509', ...keyArgs, '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1',
    '-subj', '/CN=sealed-secret/O=sealed-secret'], { stdio: 'pipe' });
  return { cert: readFileSync(certPath, 'utf8'), keyPath };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pave-sealing-'));
  const made = makeCertificate('controller', ['-newkey', 'rsa:4096']);
  certificatePem = made.cert;
  privateKeyPath = made.keyPath;
  privateKey = createPrivateKey(readFileSync(made.keyPath));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Split a sealed value: uint16be length || RSA-OAEP ciphertext || AES-GCM ciphertext and tag. */
function split(sealedBase64: string): { rsa: Buffer; aes: Buffer } {
  const bytes = Buffer.from(sealedBase64, 'base64');
  const rsaLength = bytes.readUInt16BE(0);
  return { rsa: bytes.subarray(2, 2 + rsaLength), aes: bytes.subarray(2 + rsaLength) };
}

function openAes(sessionKey: Buffer, aes: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]).toString('utf8');
}

/** The controller's HybridDecrypt: RSA-OAEP(SHA-256) with `label`, then AES-256-GCM with a zero nonce. */
function unsealValue(sealedBase64: string, label: string): string {
  const { rsa, aes } = split(sealedBase64);
  const sessionKey = privateDecrypt({
    key: privateKey,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    ...(label === '' ? {} : { oaepLabel: Buffer.from(label) }),
  }, rsa);
  expect(sessionKey).toHaveLength(32);
  return openAes(sessionKey, aes);
}

/** The controller's Unseal: the label from the SealedSecret's own metadata and scope annotation. */
function unseal(sealed: SealedSecret): Record<string, string> {
  const { namespace, name, annotations = {} } = sealed.metadata;
  const scope: SealingScope = annotations['sealedsecrets.bitnami.com/cluster-wide'] === 'true' ? 'cluster-wide'
    : annotations['sealedsecrets.bitnami.com/namespace-wide'] === 'true' ? 'namespace-wide' : 'strict';
  const label = sealingLabel(scope, namespace, name).toString('utf8');
  return Object.fromEntries(Object.entries(sealed.spec.encryptedData).map(([key, value]) => [key, unsealValue(value, label)]));
}

const DATA = {
  PASSWORD: 'Xk7pQ2mVw9RtY4nB8cHs3LdF6gJz5aEe',
  HOSTNAME: 'postgres.lending.svc',
  API_KEY: 'pave_9sLk2JdQwX0bN4mR7tYpVz1cE8fGh3aKu6iO5eTr',
  'config.json': '{"greeting":"héllo 👋"}',
};

describe('sealSecret', () => {
  it('makes a SealedSecret the controller unseals (strict scope), keys sorted', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: DATA, labels: { 'app.kubernetes.io/name': 'loans-api', 'app.kubernetes.io/managed-by': 'pave' } });

    const metadata = { name: 'loans-api', namespace: 'lending', labels: { 'app.kubernetes.io/managed-by': 'pave', 'app.kubernetes.io/name': 'loans-api' } };
    expect(sealed).toEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata,
      spec: { encryptedData: expect.any(Object), template: { metadata, type: 'Opaque' } },
    });
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['API_KEY', 'HOSTNAME', 'PASSWORD', 'config.json']);
    expect(Object.keys(sealed.metadata.labels ?? {})).toEqual(['app.kubernetes.io/managed-by', 'app.kubernetes.io/name']);
    expect(unseal(sealed)).toEqual(DATA);
  });

  it('lays each value out as uint16be length || 512-byte RSA-OAEP block || AES-GCM ciphertext and tag', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: { PASSWORD: DATA.PASSWORD } });

    const bytes = Buffer.from(sealed.spec.encryptedData['PASSWORD'] ?? '', 'base64');

    expect(bytes.readUInt16BE(0)).toBe(512);
    expect(bytes).toHaveLength(2 + 512 + DATA.PASSWORD.length + 16);
  });

  it('uses OAEP with SHA-256 for both the label hash and MGF1, as Go does (checked with openssl pkeyutl)', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: { PASSWORD: DATA.PASSWORD } });
    const { rsa, aes } = split(sealed.spec.encryptedData['PASSWORD'] ?? '');
    const rsaPath = join(dir, 'session-key.bin');
    writeFileSync(rsaPath, rsa);

    const sessionKey = execFileSync(OPENSSL, ['pkeyutl', '-decrypt', '-inkey', privateKeyPath, '-in', rsaPath,
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256',
      '-pkeyopt', `rsa_oaep_label:${Buffer.from('lending/loans-api').toString('hex')}`]);

    expect(openAes(sessionKey, aes)).toBe(DATA.PASSWORD);
  });

  it('does not unseal under another namespace or name (strict scope)', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: { PASSWORD: DATA.PASSWORD } });
    const value = sealed.spec.encryptedData['PASSWORD'] ?? '';

    for (const label of ['payments/loans-api', 'lending/loans-api-copy', 'lending', '']) {
      expect(() => unsealValue(value, label), label).toThrow();
    }
    expect(() => unseal({ ...sealed, metadata: { ...sealed.metadata, namespace: 'payments' } })).toThrow();
  });

  it('seals namespace-wide: annotated, and unsealed under any name in the namespace only', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: { PASSWORD: DATA.PASSWORD }, scope: 'namespace-wide' });

    const annotations = { 'sealedsecrets.bitnami.com/namespace-wide': 'true' };
    expect(sealed.metadata.annotations).toEqual(annotations);
    expect(sealed.spec.template.metadata.annotations).toEqual(annotations);
    expect(unseal({ ...sealed, metadata: { ...sealed.metadata, name: 'renamed' } })).toEqual({ PASSWORD: DATA.PASSWORD });
    expect(() => unseal({ ...sealed, metadata: { ...sealed.metadata, namespace: 'payments' } })).toThrow();
  });

  it('seals cluster-wide with an empty label', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: { PASSWORD: DATA.PASSWORD }, scope: 'cluster-wide' });

    expect(sealed.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(unsealValue(sealed.spec.encryptedData['PASSWORD'] ?? '', '')).toBe(DATA.PASSWORD);
  });

  it('seals each value with its own session key, so sealing again changes every ciphertext', () => {
    const input = { certificatePem, namespace: 'lending', name: 'loans-api', data: { A: 'same', B: 'same' } };

    const first = sealSecret(input);
    const second = sealSecret(input);

    const values = [...Object.values(first.spec.encryptedData), ...Object.values(second.spec.encryptedData)];
    expect(new Set(values).size).toBe(4);
    expect(new Set(values.map((v) => split(v).aes.toString('hex'))).size).toBe(4);
  });

  it('keeps plaintext out of the object and writes YAML without anchors', () => {
    const sealed = sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: DATA, labels: { app: 'loans-api' } });

    const json = JSON.stringify(sealed);
    const yaml = dump(sealed);

    for (const value of Object.values(DATA)) {
      expect(json).not.toContain(value);
      expect(json).not.toContain(Buffer.from(value).toString('base64'));
    }
    expect(yaml).not.toMatch(/[&*]ref_/);
    expect(yaml).toContain('kind: SealedSecret');
  });

  it('sets the Secret type when asked', () => {
    expect(sealSecret({ certificatePem, namespace: 'lending', name: 'pull', data: { '.dockerconfigjson': '{}' }, type: 'kubernetes.io/dockerconfigjson' })
      .spec.template.type).toBe('kubernetes.io/dockerconfigjson');
  });

  it.each([
    ['an upper-case namespace', { namespace: 'Lending' }],
    ['a namespace of 64 characters', { namespace: 'n'.repeat(64) }],
    ['a name with an underscore', { name: 'loans_api' }],
    ['a data key with a slash', { data: { 'a/b': 'x' } }],
    ['the data key ..', { data: { '..': 'x' } }],
  ])('refuses %s', (_, change) => {
    expect(() => sealSecret({ certificatePem, namespace: 'lending', name: 'loans-api', data: { A: 'x' }, ...change })).toThrow(SealingError);
  });
});

describe('parseSealingCertificate', () => {
  it('accepts the controller certificate and fingerprints it', () => {
    const parsed = parseSealingCertificate(certificatePem);

    expect(parsed.modulusBits).toBe(4096);
    expect(parsed.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.subject).toBe('CN=sealed-secret, O=sealed-secret');
  });

  it('refuses a 1024-bit RSA certificate', () => {
    const { cert } = makeCertificate('weak', ['-newkey', 'rsa:1024']);

    expect(() => parseSealingCertificate(cert)).toThrow(/1024-bit RSA key; at least 2048 bits/);
    expect(() => sealSecret({ certificatePem: cert, namespace: 'lending', name: 'loans-api', data: { A: 'x' } })).toThrow(SealingError);
  });

  it('refuses an EC certificate', () => {
    const { cert } = makeCertificate('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);

    expect(() => parseSealingCertificate(cert)).toThrow(/has a ec key; sealed secrets need RSA/);
  });

  it('refuses something that is not a certificate, and an expired certificate', () => {
    expect(() => parseSealingCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(SealingError);
    expect(() => parseSealingCertificate(certificatePem, new Date(Date.now() + 3 * 86_400_000))).toThrow(/expired/);

    const err = (() => {
      try {
        parseSealingCertificate('not a certificate');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
  });
});
