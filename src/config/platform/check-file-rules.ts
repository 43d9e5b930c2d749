/**
 * Rules about one file that a JSON Schema cannot say well: the name matches the file name,
 * `soak` and `soakMinutes` are not both given, freeze windows end after they start, approvals
 * name someone who can give them, plan fields fit the engine.
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { diagnosticAt, placeOf } from './diagnostic-at.js';
import type { PlatformDocument } from './platform-document.js';
import { asRecord, field, listField, stringField } from './raw-access.js';
import { NAME_PATTERN } from './schemas/schema-fragments.js';

const NAME = new RegExp(NAME_PATTERN);

/** Per-file rules for any parsed file (values of the wrong type are skipped). */
export function checkFileRules(file: PlatformDocument): Diagnostic[] {
  switch (file.kind) {
    case 'pipeline':
      return [...checkStem(file, 'name'), ...checkPromotionGates(file)];
    case 'database-plans':
      return [...checkStem(file, 'engine'), ...checkPlans(file)];
    case 'catalog-entry':
      return checkCatalogStem(file);
    case 'platform':
      return [];
    default:
      return checkStem(file, 'name');
  }
}

function checkStem(file: PlatformDocument, key: string): Diagnostic[] {
  const name = stringField(file.doc.value, key);
  // An invalid name already has a schema error; suggesting it as a file name would not help.
  if (name === undefined || name === file.stem || !NAME.test(name)) return [];
  return [diagnosticAt(file.doc, [key], {
    severity: 'warning',
    code: 'name-mismatch',
    message: `${key} \`${name}\` differs from the file name \`${file.stem}\``,
    hint: `rename the file to \`${name}.yaml\` or set \`${key}: ${file.stem}\`, so the file is easy to find`,
  })];
}

function checkCatalogStem(file: PlatformDocument): Diagnostic[] {
  const name = stringField(file.doc.value, 'name');
  if (name === undefined || file.stem === name || file.stem.startsWith(`${name}-`) || file.stem.startsWith(`${name}.`)) return [];
  return [diagnosticAt(file.doc, ['name'], {
    severity: 'warning',
    code: 'name-mismatch',
    message: `catalog entry \`${name}\` is in a file named \`${file.stem}\``,
    hint: `name the file \`${name}.yaml\` (or \`${name}-<version>.yaml\`)`,
  })];
}

function checkPromotionGates(file: PlatformDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { doc } = file;
  listField(doc.value, 'promotions').forEach((gate, i) => {
    const at = ['promotions', i];
    if (field(gate, 'soak') !== undefined && field(gate, 'soakMinutes') !== undefined) {
      out.push(diagnosticAt(doc, [...at, 'soakMinutes'], {
        code: 'soak-conflict',
        atKey: true,
        message: 'both `soak` and `soakMinutes` are given',
        hint: 'keep one: `soak: 30m` reads better',
      }));
    }
    listField(gate, 'freezeWindows').forEach((w, j) => {
      const start = stringField(w, 'start');
      const end = stringField(w, 'end');
      if (start === undefined || end === undefined) return;
      const s = Date.parse(start);
      const e = Date.parse(end);
      if (Number.isFinite(s) && Number.isFinite(e) && e <= s) {
        out.push(diagnosticAt(doc, [...at, 'freezeWindows', j, 'end'], {
          code: 'freeze-window-order',
          message: `freeze window ends (${end}) before it starts (${start})`,
          hint: 'swap `start` and `end`, or fix the date',
        }));
      }
    });
    const approvals = asRecord(field(gate, 'approvals'));
    const count = approvals?.count;
    if (typeof count === 'number' && count > 0) {
      const from = listField(approvals, 'from').filter((p): p is string => typeof p === 'string');
      if (from.length === 0) {
        out.push(diagnosticAt(doc, [...at, 'approvals', 'count'], {
          code: 'approvals-without-approvers',
          message: `${count} approval(s) required, but \`approvals.from\` names nobody who may give them`,
          hint: 'list the users (`@login`) or teams (`@org/team`) who may approve, e.g. `from: ["@acme-bank/platform"]`',
        }));
      } else if (from.every((p) => !p.includes('/')) && from.length < count) {
        out.push(diagnosticAt(doc, [...at, 'approvals', 'count'], {
          code: 'approvals-unsatisfiable',
          message: `${count} approvals required from only ${from.length} user(s); the gate can never open`,
          hint: 'lower `count`, add approvers, or name a team',
        }));
      }
    }
  });
  return out;
}

function checkPlans(file: PlatformDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { doc } = file;
  const engine = stringField(doc.value, 'engine');
  const first = new Map<string, number>();
  listField(doc.value, 'plans').forEach((plan, i) => {
    const name = stringField(plan, 'name');
    if (name !== undefined) {
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, i);
      else {
        out.push(diagnosticAt(doc, ['plans', i, 'name'], {
          code: 'duplicate-name',
          message: `plan \`${name}\` is defined twice in this file (first at ${placeOf(doc, ['plans', earlier, 'name'])})`,
          hint: 'remove one of them or give it another name',
        }));
      }
    }
    const misplaced = engine === 'cache' ? 'storageGb' : engine === undefined ? undefined : 'maxMemoryMb';
    if (misplaced !== undefined && field(plan, misplaced) !== undefined) {
      out.push(diagnosticAt(doc, ['plans', i, misplaced], {
        severity: 'warning',
        code: 'plan-field-ignored',
        atKey: true,
        message: `\`${misplaced}\` has no effect for ${engine} plans`,
        hint: engine === 'cache' ? 'size cache plans with `maxMemoryMb`' : 'size postgresql and mysql plans with `storageGb`',
      }));
    }
  });
  return out;
}
