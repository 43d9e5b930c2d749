/**
 * Names Kubernetes accepts, derived from names users write. Valid names are kept as they are;
 * anything else is cleaned and, when that changes it, given a short hash of the original so two
 * different inputs never end with the same name.
 */
import { createHash } from 'node:crypto';

/** DNS-1035 label: a lower-case letter first, then letters, digits and `-`, not ending in `-`. */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A ConfigMap or Secret key. */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * `raw` as a DNS-1035 label of at most `max` characters (object names, label values, container
 * names). Unchanged when already valid; otherwise cleaned and suffixed with `-` and 6 hex of
 * sha256(raw).
 */
export function dnsLabel(raw: string, max = 63): string {
  if (raw.length <= max && DNS_1035.test(raw)) return raw;
  const suffix = `-${shortHash(raw)}`;
  const base = clean(raw).slice(0, max - suffix.length).replace(/-+$/, '');
  return `${base || 'x'}${suffix}`;
}

/**
 * One port name per entry (IANA service names: DNS-1035, at most 15 characters), unique within
 * the list: cut to 15 characters, and a clash gets `-2`, `-3` … in list order.
 */
export function portNames(raw: readonly string[]): string[] {
  const used = new Set<string>();
  return raw.map((name) => {
    const base = clean(name).slice(0, 15).replace(/-+$/, '') || 'port';
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${base.slice(0, 15 - `-${n}`.length).replace(/-+$/, '')}-${n}`;
    used.add(candidate);
    return candidate;
  });
}

/** `raw` as a ConfigMap key (letters, digits, `-`, `_`, `.`; not `.`, `..` or `..`-prefixed; at most 253). */
export function dataKey(raw: string): string {
  if (raw.length <= 253 && DATA_KEY.test(raw) && raw !== '.' && !raw.startsWith('..')) return raw;
  const base = raw.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^\.+/, '').slice(0, 246);
  return `${base || 'file'}-${shortHash(raw)}`;
}

function clean(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}
