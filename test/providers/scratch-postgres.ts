/**
 * A private PostgreSQL cluster that checks passwords (SCRAM on 127.0.0.1), for the tests the
 * shared server cannot answer because it trusts loopback. Made with the installed `initdb` and
 * `pg_ctl` in a temporary directory on a free port, run as the `postgres` OS user when the tests
 * run as root, and removed afterwards. Undefined when the binaries (or, for root, the `postgres`
 * OS user) are not there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './local-servers.js';

export interface ScratchPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly adminUser: string;
  readonly adminPassword: string;
  stop(): void;
}

function binDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // pg_config is not installed: look in Debian's place.
  }
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

function hasUser(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export async function startScratchPostgres(): Promise<ScratchPostgres | undefined> {
  const bin = binDir();
  if (!bin) return undefined;
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: it runs as the `postgres` OS user, which must then exist.
  if (asRoot && !hasUser('postgres')) return undefined;
  const run = (tool: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(file, argv, { stdio: 'pipe', timeout: 60_000 });
  };
  const dir = mkdtempSync(join(tmpdir(), 'pave-scratch-pg-'));
  const adminUser = 'pave_scratch_admin';
  const adminPassword = `scratch-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pwfile'), `${adminPassword}\n`);
  if (asRoot) execFileSync('chown', ['-R', 'postgres', dir]);
  const port = await closedPort();
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', adminUser, `--pwfile=${join(dir, 'pwfile')}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync']);
  run('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    host: '127.0.0.1',
    port,
    adminUser,
    adminPassword,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
