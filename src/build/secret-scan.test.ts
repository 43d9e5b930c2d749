// Fixtures are assembled at run time from parts (`'gh' + 'p_' + …`) so that no file of this
// repository holds anything a secret scanner (ours or GitHub's) would flag.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileIgnoreFile, isBinary, MAX_FINDINGS_PER_FILE, scanBytes, scanText, shannonEntropy } from './secret-scan.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A deterministic pseudo-random string (xorshift), so failures reproduce. */
function noise(length: number, seed: number, alphabet = ALNUM): string {
  let x = seed | 1;
  let s = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += alphabet[Math.abs(x) % alphabet.length];
  }
  return s;
}
const B64 = `${ALNUM}+/`;
const pemBegin = (kind: string) => ['-----BEGIN', `${kind}PRIVATE`, 'KEY-----'].join(' ').replace('  ', ' ');
const ghToken = (kind: string, seed = 1) => `${'gh'}${kind}_${noise(36, seed)}`;
const awsKeyId = (seed = 2) => `${'AK'}${'IA'}${noise(16, seed, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
const awsSecret = (seed = 3) => noise(40, seed, B64);
const googleKey = (seed = 4) => `${'AI'}${'za'}${noise(35, seed)}`;
const slackToken = (seed = 5) => `${'xo'}${'xb'}-${noise(12, seed, '0123456789')}-${noise(24, seed + 1)}`;

function rules(text: string): string[] {
  return scanText('f', text).map((f) => f.rule);
}

describe('scanText', () => {
  it('finds a PEM private key block with its line and column, and not its material', () => {
    const body = noise(64, 7, B64);
    const text = ['# deploy key', `  ${pemBegin('RSA ')}`, body, noise(64, 8, B64), '-----END RSA PRIVATE KEY-----', ''].join('\n');
    const findings = scanText('config/id_rsa', text);
    expect(findings).toEqual([{ file: 'config/id_rsa', line: 2, column: 3, rule: 'private-key', message: 'rsa private key block (key material follows)' }]);
    expect(JSON.stringify(findings)).not.toContain(body.slice(0, 16));
  });

  it('finds a private key inlined in a JSON string (\\n escapes), but not a header alone in code', () => {
    expect(rules(`{"key": "${pemBegin('')}\\n${noise(64, 9, B64)}\\n-----END PRIVATE KEY-----"}`)).toEqual(['private-key']);
    expect(rules(`if (pem.startsWith('${pemBegin('OPENSSH ')}')) return parse(pem);`)).toEqual([]);
  });

  it('finds every GitHub token kind and fine-grained tokens', () => {
    for (const kind of ['p', 'o', 'u', 's', 'r']) {
      const findings = scanText('f', `GITHUB_TOKEN=${ghToken(kind)}`);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ rule: 'github-token', line: 1, column: 14, message: `GitHub token (gh${kind}_…, 40 characters)` });
    }
    const pat = `${'github'}_pat_${noise(22, 11)}_${noise(59, 12)}`;
    expect(scanText('f', `token: ${pat}`)).toEqual([expect.objectContaining({ rule: 'github-token', column: 8, message: `GitHub fine-grained token (github_pat_…, ${pat.length} characters)` })]);
    // Not a token: too short, or part of a longer word.
    expect(rules(`const x = "gh${'p'}_short";`)).toEqual([]);
  });

  it('finds an AWS access key id and the secret key next to it', () => {
    const text = ['[default]', `aws_access_key_id = ${awsKeyId()}`, `aws_secret_access_key = ${awsSecret()}`].join('\n');
    const findings = scanText('.aws/credentials', text);
    expect(findings.map((f) => [f.rule, f.line, f.column])).toEqual([['aws-access-key', 2, 21], ['aws-secret-key', 3, 25]]);
    // A 40-character value far from any AWS key id or name is not an AWS secret.
    expect(rules(`checksum ${awsSecret(21)}`)).toEqual([]);
    // Named on its line, without a key id around.
    expect(rules(`AWS_SECRET_ACCESS_KEY: "${awsSecret(22)}"`)).toContain('aws-secret-key');
  });

  it('finds Slack tokens and webhook URLs, and Google API keys', () => {
    expect(rules(`slack: ${slackToken()}`)).toEqual(['slack-token']);
    const hook = `https://hooks.${'slack'}.com/services/T${noise(8, 31)}/B${noise(8, 32)}/${noise(24, 33)}`;
    expect(rules(`url = ${hook}`)).toEqual(['slack-token']);
    expect(scanText('web/maps.js', `const key = '${googleKey()}';`)).toEqual([
      expect.objectContaining({ rule: 'google-api-key', line: 1, column: 14, message: 'Google API key (AIza…, 39 characters)' }),
    ]);
  });

  it('finds generic high-entropy assignments in the usual syntaxes', () => {
    const v = noise(24, 41);
    for (const line of [`password = "${v}"`, `DB_PASSWORD=${v}`, `  apiKey: '${v}'`, `client_secret := "${v}"`, `"auth_token": "${v}",`, `:api_key => "${v}"`]) {
      const findings = scanText('f', line);
      expect(findings, line).toHaveLength(1);
      expect(findings[0]!.rule).toBe('generic-high-entropy');
      expect(findings[0]!.column, line).toBe(line.indexOf(v) + 1);
      expect(findings[0]!.message).toMatch(/^high-entropy value assigned to '[^']+' \(…, 24 characters, entropy \d\.\d bits\/char\)$/);
    }
  });

  it('does not flag low-entropy values, placeholders, references or URLs', () => {
    for (const line of [
      'password = "changeme"',
      'password = "aaaaaaaaaaaaaaaaaaaaaaaa"',
      'secret: ${DB_SECRET_FROM_VAULT_2024}',
      'token: "{{ .Values.githubToken }}"',
      'api_key = process.env.SERVICE_API_KEY',
      'tokenUrl: "https://login.example.com/oauth2/v1/token"',
      'secretName: payments-db-credentials',
      'const password = readPassword(promptText);',
      'password: <your-password-here-please>',
    ]) expect(rules(line), line).toEqual([]);
  });

  it('skips a line that carries pave:allow-secret, and only that line', () => {
    const text = [`test_token = "${noise(24, 51)}"  # pave:allow-secret fixture`, `other_token = "${noise(24, 52)}"`].join('\n');
    expect(scanText('f', text).map((f) => f.line)).toEqual([2]);
  });

  it('reports one finding per position (a known token assigned to `token` is a GitHub token)', () => {
    expect(rules(`token = "${ghToken('p')}"`)).toEqual(['github-token']);
  });

  it('bounds its work on hostile input: findings per file capped, long lines linear', () => {
    const many = Array.from({ length: 500 }, (_, i) => ghToken('s', i + 100)).join('\n');
    expect(scanText('f', many)).toHaveLength(MAX_FINDINGS_PER_FILE);
    const long = `${'password='.repeat(20_000)}${'a'.repeat(200_000)}`;
    expect(scanText('f', long)).toEqual([]);
  });
});

describe('scanBytes, isBinary, shannonEntropy', () => {
  it('skips binary and oversized files', () => {
    const secret = new TextEncoder().encode(`x = ${ghToken('p')}\n`);
    expect(scanBytes('a', secret)).toEqual({ findings: [expect.objectContaining({ rule: 'github-token' })] });
    expect(scanBytes('a', new Uint8Array([...secret, 0, 1, 2]))).toEqual({ skipped: 'binary' });
    expect(scanBytes('a', secret, 10)).toEqual({ skipped: 'too-large' });
    expect(isBinary(new Uint8Array(9000).fill(65))).toBe(false);
  });

  it('computes entropy in bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('0123456789abcdef')).toBe(4);
  });
});

describe('compileIgnoreFile', () => {
  it('matches globs against relative paths: basename patterns at any depth, directories with a trailing slash', () => {
    const { ignores, errors } = compileIgnoreFile(['# fixtures', '', 'test/fixtures/', '*.pem', 'docs/**/*.md', '/keys/dev.key'].join('\n'));
    expect(errors).toEqual([]);
    expect(ignores('test/fixtures/a/b.txt')).toBe(true);
    expect(ignores('deep/down/server.pem')).toBe(true);
    expect(ignores('docs/guide/setup.md')).toBe(true);
    expect(ignores('keys/dev.key')).toBe(true);
    expect(ignores('src/index.ts')).toBe(false);
    expect(ignores('test/other.txt')).toBe(false);
  });

  it('reports a bad glob with its line instead of throwing', () => {
    const { errors, ignores } = compileIgnoreFile('ok/\nbad[glob\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\.pave\/secret-scan-ignore:2: 'bad\[glob' is not a valid glob/);
    expect(ignores('ok/x')).toBe(true);
  });
});

describe('properties', () => {
  const secretValue = fc.string({ unit: fc.constantFrom(...B64), minLength: 16, maxLength: 80 });
  const lineText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 =:"\'`_-./\\n{}$<>#@\t'), maxLength: 60 });
  const template = fc.constantFrom(
    (v: string) => `password = "${v}"`, (v: string) => `API_KEY=${v}`, (v: string) => `token: '${v}'`,
    (v: string) => `gh${'p'}_${v}`, (v: string) => `${'AK'}IA${v}`, (v: string) => `AIza${v}`, (v: string) => `xo${'xb'}-1234567890-${v}`,
    (v: string) => `aws_secret_access_key = ${v}`, (v: string) => `${pemBegin('')}\n${v}`, (v: string) => v,
  );

  it('never throws and never returns the value it found', () => {
    fc.assert(fc.property(secretValue, template, fc.array(lineText, { maxLength: 5 }), fc.nat(5), (value, make, noiseLines, at) => {
      const lines = [...noiseLines];
      lines.splice(Math.min(at, lines.length), 0, make(value));
      const findings = scanText('some/file.txt', lines.join('\n'));
      for (const f of findings) {
        expect(f.message).not.toContain(value);
        expect(f.line).toBeGreaterThanOrEqual(1);
        expect(f.column).toBeGreaterThanOrEqual(1);
      }
    }), { numRuns: 2000 });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (text) => {
      expect(Array.isArray(scanText('f', text))).toBe(true);
    }), { numRuns: 1000 });
  });
});
