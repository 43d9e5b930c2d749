/**
 * The promotion ledger of a component in the state repository (`promotion/<project>/<component>.json`),
 * read and written under a short per-component lease so that concurrent approvals, promotions and
 * deployments never lose each other's updates (read → change → commit is not atomic otherwise).
 */
import type { ApplyPorts, StateRepository } from '../domain/apply.js';
import { NotReadyError } from '../domain/errors.js';
import type { PromotionLedger } from '../domain/promotion.js';
import { emptyLedger } from '../planner/promotion.js';

const LEDGER_LEASE_MS = 60_000;

export function ledgerPath(project: string, component: string): string {
  return `promotion/${project}/${component}.json`;
}

export async function readLedger(state: StateRepository, project: string, component: string): Promise<PromotionLedger> {
  const path = ledgerPath(project, component);
  const text = (await state.readFiles(path)).get(path);
  if (!text) return emptyLedger(project, component);
  const parsed = JSON.parse(text) as Partial<PromotionLedger>;
  // Fields added later default to empty, so old ledgers stay readable.
  return { ...emptyLedger(project, component), ...parsed } as PromotionLedger;
}

/** Run `fn` holding the component's ledger lease; waiting for it is not a failure (the job is delayed). */
export async function withLedgerLease<T>(apply: ApplyPorts, project: string, component: string, owner: string, fn: () => Promise<T>): Promise<T> {
  const key = `ledger/${project}/${component}`;
  if (!(await apply.leases.acquire(key, LEDGER_LEASE_MS, owner))) throw new NotReadyError(`waiting for the promotion ledger of ${project}/${component}`, 1_000);
  try {
    return await fn();
  } finally {
    await apply.leases.release(key, owner);
  }
}

/** Read, change and commit the ledger (no commit when the change is a no-op). */
export async function updateLedger(apply: ApplyPorts, project: string, component: string, owner: string, message: string, change: (l: PromotionLedger) => PromotionLedger): Promise<{ ledger: PromotionLedger; commit?: string }> {
  return withLedgerLease(apply, project, component, owner, async () => {
    const before = await readLedger(apply.state, project, component);
    const after = change(before);
    if (after === before) return { ledger: before };
    const commit = await apply.state.commit({ [ledgerPath(project, component)]: JSON.stringify(after, null, 2) + '\n' }, message, { name: 'pave', email: 'pave@users.noreply.github.com' });
    return { ledger: after, commit };
  });
}
