const DURATION = /^(?=[0-9])(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?$/;

/**
 * Minutes in a duration written as days, hours and minutes (`30m`, `2h`, `1d12h`), or
 * `undefined` when the text is not such a duration.
 */
export function parseDurationMinutes(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  const [, d = '0', h = '0', min = '0'] = m;
  return Number(d) * 1440 + Number(h) * 60 + Number(min);
}
