/**
 * Prove that the cache user works and is confined: on a fresh connection, `AUTH` as the user,
 * write, read and delete a key under its prefix, and check that reading a key outside the prefix
 * is refused (`NOPERM`).
 */
import { randomBytes } from 'node:crypto';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { replyCode } from './errors.js';
import { call, withLogin } from './session.js';
import type { CacheSettings } from './settings.js';

export async function verifyOwner(s: CacheSettings, target: DesiredDatabase, password: string): Promise<boolean> {
  const what = `verify ${target.user}`;
  const ctx = { server: serverLabel(s), what };
  const nonce = randomBytes(8).toString('hex');
  const inside = `${target.database}pave-verify:${nonce}`;
  const outside = `pave-verify-outside:${nonce}`;
  const ok = await withLogin(s, target.user, password, what, async (client) => {
    await call(client, ['SET', inside, nonce, 'PX', '60000'], ctx);
    const read = await call(client, ['GET', inside], ctx);
    await call(client, ['DEL', inside], ctx);
    if (read !== nonce) return false;
    try {
      await client.call('GET', outside.startsWith(target.database) ? `x${outside}` : outside);
      return false;
    } catch (err) {
      return replyCode(err) === 'NOPERM';
    }
  });
  return ok ?? false;
}
