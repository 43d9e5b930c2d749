/**
 * The read models behind the catalog and matrix pages, built from the service's parts: the
 * platform repository (current default branch), the component index and the planner's catalog.
 * Results are kept for a few seconds so that a burst of page loads does one build.
 */
import type { ComponentIndex } from '../domain/runs.js';
import type { CatalogView, CatalogViewSource } from '../domain/views.js';
import { findProject } from '../config/platform/index.js';
import type { PlatformSource } from '../jobs/platform-source.js';
import { buildCatalog } from '../planner/catalog.js';
import { catalogView } from '../planner/catalog-view.js';

export function createCatalogSource(platform: () => PlatformSource, index: ComponentIndex, ttlMs = 5_000, now: () => number = Date.now): CatalogViewSource {
  let cached: { at: number; view: Promise<CatalogView> } | undefined;
  async function build(): Promise<CatalogView> {
    const loaded = await platform().current().catch((err: unknown) => err instanceof Error ? err : new Error(String(err)));
    if (loaded instanceof Error) return { endpoints: [], problems: [`the platform repository could not be read (${loaded.message}): the catalog is empty until it can`] };
    if (!loaded.result.ok) {
      return { endpoints: [], problems: [`the platform repository does not load at ${loaded.sha.slice(0, 7)} (${loaded.result.diagnostics.length} problems): the catalog is empty until it does`] };
    }
    const config = loaded.result.config;
    const entries = await index.all();
    const known = entries.flatMap((e) => e.components.map((descriptor) => ({ repo: e.repo, descriptor })));
    const catalog = buildCatalog(config, known, (repo, root) => findProject(config, repo, root));
    const problems = catalog.problems.size > 0 ? [`${catalog.problems.size} component(s) are not in the catalog (no project claims them, or a duplicate name)`] : [];
    return catalogView(config, catalog, problems);
  }
  return () => {
    const t = now();
    if (!cached || t - cached.at > ttlMs) {
      const view = build();
      cached = { at: t, view };
      view.catch(() => (cached = undefined));
    }
    return cached.view;
  };
}

/** Environments in pipeline order (the first pipeline's stages first), for the matrix's columns. */
export function createEnvironmentOrder(platform: () => PlatformSource): () => Promise<readonly string[]> {
  return async () => {
    const loaded = await platform().current();
    if (!loaded.result.ok) return [];
    const order: string[] = [];
    for (const pipeline of loaded.result.config.pipelines.values()) {
      for (const env of pipeline.environments) if (!order.includes(env)) order.push(env);
    }
    for (const env of loaded.result.config.environments.keys()) if (!order.includes(env)) order.push(env);
    return order;
  };
}
