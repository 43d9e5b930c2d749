import picomatch from 'picomatch';

/** Why a project's repo glob is malformed, or `undefined` when it is well formed. */
export type RepoGlobProblem = { readonly message: string; readonly hint: string };

const OWNER = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
const GLOB_CHARS = /[*?[\]{}()!+@]/;

/**
 * Check one `owner/name[/path]` glob: a literal GitHub owner, a repository name (which may be a
 * glob), an optional path inside the repository; no empty, `.` or `..` segments, no backslashes,
 * and picomatch must compile it with strict brackets (an unclosed `[`, `{` or `(` is an error).
 */
export function checkRepoGlob(glob: string): RepoGlobProblem | undefined {
  const segments = glob.split('/');
  const owner = segments[0] ?? '';
  if (glob.includes('\\')) {
    return { message: `repo glob \`${glob}\` contains a backslash`, hint: 'separate segments with `/`; escape nothing' };
  }
  if (segments.length < 2 || (segments[1] ?? '') === '') {
    return { message: `repo glob \`${glob}\` has no repository name`, hint: `write \`owner/name\`, e.g. \`${owner || 'acme-bank'}/payments-api\`, or \`${owner || 'acme-bank'}/*\` for every repository` };
  }
  if (!OWNER.test(owner) || GLOB_CHARS.test(owner)) {
    return { message: `repo glob \`${glob}\` must start with a literal GitHub owner, not \`${owner}\``, hint: 'write the organization or user login literally, e.g. `acme-bank/…`' };
  }
  const bad = segments.findIndex((s) => s === '' || s === '.' || s === '..');
  if (bad >= 0) {
    return {
      message: `repo glob \`${glob}\` has an ${segments[bad] === '' ? 'empty' : `\`${segments[bad]}\``} path segment`,
      hint: 'remove doubled, leading or trailing `/` and `.`/`..` segments; paths are relative to the repository root',
    };
  }
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
  } catch (err) {
    return {
      message: `repo glob \`${glob}\` does not compile: ${err instanceof Error ? err.message : String(err)}`,
      hint: 'close every `[`, `{` and `(`, or escape a literal one with `\\`; see picomatch syntax',
    };
  }
  return undefined;
}
