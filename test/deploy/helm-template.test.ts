/**
 * The test renderer for the Helm template subset (test/helpers/helm-template.ts): Go
 * text/template behaviour the chart relies on, the Helm/Sprig functions, values merging, and
 * clear errors for anything outside the subset. Expected outputs are what Go and Helm produce.
 */
import { describe, expect, it } from 'vitest';
import { mergeValues, renderTemplate, TemplateError } from '../helpers/helm-template.js';

const r = (src: string, data: unknown = {}) => renderTemplate(src, data);

describe('Go template actions', () => {
  it('prints fields, literals and pipelines', () => {
    expect(r('a {{ .x.y }} b', { x: { y: 'z' } })).toBe('a z b');
    expect(r('{{ "s" }} {{ 3 }} {{ true }} {{ `raw\\n` }}')).toBe('s 3 true raw\\n');
    expect(r('{{ .missing }}|', {})).toBe('|');
    expect(r('{{ .a | printf "%s-%d" "x" }}', { a: 7 })).toBe('x-7');
  });

  it('trims whitespace with {{- and -}} only (a dash needs a space: {{-3}} is a number)', () => {
    expect(r('a  \n  {{- "b" -}}  \n  c')).toBe('abc');
    expect(r('a {{ "b" }} c')).toBe('a b c');
    expect(r('{{-3}}')).toBe('-3');
    expect(r('x\n{{- /* a comment with }} inside */ -}}\ny')).toBe('xy');
  });

  it('if / else if / else with Go truthiness', () => {
    const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
    expect(r(t, { a: 1 })).toBe('A');
    expect(r(t, { a: 0, b: 'x' })).toBe('B');
    for (const falsy of [false, 0, '', null, [], {}]) expect(r(t, { a: falsy, b: falsy })).toBe('C');
  });

  it('with rebinds dot, range iterates lists and sorted maps, else runs on empty', () => {
    expect(r('{{ with .a }}{{ .b }}{{ else }}none{{ end }}', { a: { b: 1 } })).toBe('1');
    expect(r('{{ with .a }}{{ .b }}{{ else }}none{{ end }}', { a: {} })).toBe('none');
    expect(r('{{ range .l }}[{{ . }}]{{ end }}', { l: [1, 2] })).toBe('[1][2]');
    expect(r('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1 } })).toBe('a=1;b=2;');
    expect(r('{{ range $i, $v := .l }}{{ $i }}{{ $v }}{{ end }}', { l: ['x', 'y'] })).toBe('0x1y');
    expect(r('{{ range .l }}x{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
  });

  it('variables: $ is the data, := declares, = assigns an outer one, scopes end with their block', () => {
    expect(r('{{ range .l }}{{ $.n }}{{ end }}', { l: [1, 2], n: 'n' })).toBe('nn');
    expect(r('{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ end }}{{ $x }}')).toBe('b');
    expect(() => r('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}')).toThrow(/undefined variable "\$y"/);
  });

  it('define, include and template, with parenthesised calls and fields of their results', () => {
    const t = '{{ define "n" }}<{{ .v }}>{{ end }}{{ include "n" (dict "v" 1) }}{{ template "n" (dict "v" 2) }}{{ (dict "a" (dict "b" 3)).a.b }}';
    expect(r(t)).toBe('<1><2>3');
    // A space makes the field another operand: `(x) .f` is not `(x).f`.
    expect(r('{{ printf "%s%s" (print "a") .f }}', { f: 'b' })).toBe('ab');
  });

  it('and/or short-circuit and return an operand', () => {
    expect(r('{{ or .a .b "c" }}', { a: '', b: 'b' })).toBe('b');
    expect(r('{{ and .a .missing.field }}', { a: false })).toBe('false');
    expect(r('{{ if and .a (not .b) }}y{{ end }}', { a: 1, b: 0 })).toBe('y');
  });

  it('is strict where Go is: nil fields, printing maps, unknown functions, unbalanced blocks', () => {
    expect(() => r('{{ .a.b }}', {})).toThrow(/nil pointer evaluating interface \{\}\.b/);
    expect(() => r('{{ .a }}', { a: { b: 1 } })).toThrow(/cannot print a map/);
    expect(() => r('{{ lookup "v1" "Secret" "ns" "n" }}')).toThrow(/function "lookup" not defined/);
    expect(() => r('{{ if .a }}x')).toThrow(/without "end"/);
    expect(() => r('{{ end }}')).toThrow(TemplateError);
    expect(() => r('{{ .a ! }}')).toThrow(/outside the supported template subset/);
  });
});

describe('Helm and Sprig functions', () => {
  it('toYaml + nindent/indent, quote, default, required, fail', () => {
    // Keys sorted as Helm's toYaml does; list items indented (Helm's are not: the same YAML).
    expect(r('x:{{ toYaml .v | nindent 2 }}', { v: { b: [1, 'two'], a: 'on' } })).toBe('x:\n  a: "on"\n  b:\n    - 1\n    - two');
    expect(r('{{ indent 2 "a\\nb" }}')).toBe('  a\n  b');
    expect(r('{{ quote .a }} {{ .n | quote }} {{ quote .missing }}|', { a: 'x"y', n: 1 })).toBe('"x\\"y" "1" |');
    expect(r('{{ default "d" .a }} {{ default "d" .b }}', { a: '', b: 'b' })).toBe('d b');
    expect(() => r('{{ required "need a" .a }}', {})).toThrow(/need a/);
    expect(() => r('{{ fail "no" }}')).toThrow(/no/);
  });

  it('strings, numbers, comparisons, lists and maps', () => {
    expect(r('{{ "abcdef" | trunc 3 }} {{ "ab-" | trimSuffix "-" }} {{ "a+b" | replace "+" "_" }} {{ upper "a" }}')).toBe('abc ab a_b A');
    expect(r('{{ contains "pave" "my-pave" }} {{ hasPrefix "a" "ab" }} {{ eq 1 2 1 }} {{ ne "a" "b" }} {{ lt 1 2 }} {{ ge 2 2 }}')).toBe('true true true true true true');
    expect(r('{{ len (list 1 2 3) }} {{ hasKey (dict "a" 1) "a" }} {{ int "42" }} {{ toString 5 }} {{ empty (list) }}')).toBe('3 true 42 5 true');
    expect(r('{{ sha256sum "a" }}')).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(r('{{ printf "%q %v %%" "a" 1 }}')).toBe('"a" 1 %');
  });
});

describe('values', () => {
  it('merge like Helm: maps key by key, lists and scalars replaced, null deletes', () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, l: [1, 2], d: 1 }, { a: { c: 3 }, l: [9], d: null })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
});
