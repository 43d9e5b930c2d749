import type { Plan } from '../domain/plan.js';

/** The plan as JSON (pretty-printed). Secrets are references (`{"secret": "db/…"}`), never values. */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2);
}
