/**
 * The file system client handed to isomorphic-git: Node's `fs.promises`, except that every
 * `writeFile` is atomic (write a temporary file beside the target, then `rename` over it).
 *
 * Why: isomorphic-git writes objects, packs, refs and config with a plain `writeFile`, so a reader
 * in another process (or another writer of the same, content-addressed object) can see a
 * truncated file while it is being written. With rename, a file is either absent or complete —
 * which is what git itself guarantees for loose objects and packs.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';

async function writeFileAtomic(path: string, data: string | Uint8Array, options?: Parameters<typeof fsp.writeFile>[2]): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  // A missing parent directory surfaces as ENOENT here, exactly as a plain writeFile would report
  // it: isomorphic-git then creates the directory and calls us again.
  await fsp.writeFile(temporary, data, options);
  try {
    await fsp.rename(temporary, path);
  } catch (err) {
    await fsp.unlink(temporary).catch(() => undefined);
    throw err;
  }
}

/** An `fs` for isomorphic-git whose writes never expose a partial file. */
export const atomicFs = {
  promises: {
    readFile: fsp.readFile,
    writeFile: writeFileAtomic,
    mkdir: fsp.mkdir,
    rmdir: fsp.rmdir,
    rm: fsp.rm,
    unlink: fsp.unlink,
    stat: fsp.stat,
    lstat: fsp.lstat,
    readdir: fsp.readdir,
    readlink: fsp.readlink,
    symlink: fsp.symlink,
    chmod: fsp.chmod,
  },
};
