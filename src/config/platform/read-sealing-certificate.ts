import type { SourceTree } from '../../domain/source-tree.js';

export type SealingCertificateResult =
  | { readonly ok: true; readonly pem: string }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly hint: string };

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const MAX_BYTES = 64 * 1024;

/**
 * The PEM an environment's `sealingCertificate` stands for: the value itself when it is a PEM
 * block, else the file it names, relative to the platform repository root (which the tree must
 * hold with its contents).
 */
export function readSealingCertificate(tree: SourceTree, value: string): SealingCertificateResult {
  if (value.startsWith('-----BEGIN')) return { ok: true, pem: value };
  const path = value.replace(/^(\.\/)+/, '');
  if (!tree.paths.has(path)) {
    return {
      ok: false,
      code: 'sealing-certificate-missing',
      message: `sealing certificate \`${path}\` does not exist in the platform repository`,
      hint: 'commit the controller\'s public certificate (`kubeseal --fetch-cert > ' + path + '`) or fix the path',
    };
  }
  const bytes = tree.files.get(path);
  if (!bytes) {
    return {
      ok: false,
      code: 'sealing-certificate-not-read',
      message: `sealing certificate \`${path}\` exists but its contents were not read`,
      hint: 'the platform repository reader must fetch certificate files along with the YAML files',
    };
  }
  const text = bytes.byteLength > MAX_BYTES ? '' : new TextDecoder('utf-8').decode(bytes);
  const pem = PEM.exec(text);
  if (!pem) {
    return {
      ok: false,
      code: 'sealing-certificate-invalid',
      message: `\`${path}\` holds no PEM certificate`,
      hint: 'the file must contain a `-----BEGIN CERTIFICATE-----` block: the public certificate, never the private key',
    };
  }
  return { ok: true, pem: `${pem[0]}\n` };
}
