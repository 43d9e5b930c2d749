import { describe, expect, it } from 'vitest';
import { castBoolean, castNumber, castString } from './yup-coercion.js';

// Expected values were taken from yup 1.4, the version behind Choreo's validator.
describe('castNumber (yup number())', () => {
  it.each([
    [8080, 8080],
    ['8080', 8080],
    [' 80 80 ', 8080],
    ['0x1F90', 8080],
    ['1e4', 10000],
    [[8080], 8080],
    [['8080abc'], 8080],
    [Infinity, Infinity],
  ])('%j → %j', (raw, value) => {
    expect(castNumber(raw)).toEqual({ kind: 'ok', value });
  });

  it.each([['abc'], [''], [true], [{}], [[]], [NaN]])('%j is not a number', (raw) => {
    expect(castNumber(raw).kind).toBe('wrong-type');
  });

  it('tells absent from null', () => {
    expect(castNumber(undefined).kind).toBe('absent');
    expect(castNumber(null).kind).toBe('null');
  });
});

describe('castString (yup string())', () => {
  it('turns numbers and booleans into text, refuses lists and maps', () => {
    expect(castString(1.5)).toEqual({ kind: 'ok', value: '1.5' });
    expect(castString(false)).toEqual({ kind: 'ok', value: 'false' });
    expect(castString(['a']).kind).toBe('wrong-type');
    expect(castString({ a: 1 }).kind).toBe('wrong-type');
  });
});

describe('castBoolean (yup boolean())', () => {
  it.each([[true, true], ['TRUE', true], [1, true], ['0', false], ['false', false]])('%j → %j', (raw, value) => {
    expect(castBoolean(raw)).toEqual({ kind: 'ok', value });
  });

  it('refuses yes/no, which YAML 1.2 reads as text', () => {
    expect(castBoolean('yes').kind).toBe('wrong-type');
  });
});
