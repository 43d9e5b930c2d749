/**
 * The service catalog: every known component with its project and endpoint ids, plus the
 * platform's third-party entries. Connections resolve against it, and it answers "who
 * consumes this endpoint" for network rules and for a platform change's blast radius.
 */
import type { Diagnostic } from '../domain/diagnostic.js';
import type { ComponentDescriptor, Endpoint, LocatedComponent } from '../domain/component.js';
import type { PlatformConfig, Project } from '../domain/platform.js';
import { endpointId } from './names.js';
import { descriptorProblem } from './problem.js';

export interface CatalogEndpoint {
  readonly id: string;
  readonly endpoint: Endpoint;
}

export interface CatalogComponent {
  readonly repo: string;
  readonly descriptor: ComponentDescriptor;
  readonly project: Project;
  readonly endpoints: readonly CatalogEndpoint[];
}

export interface ServiceCatalog {
  readonly components: readonly CatalogComponent[];
  /** Key `project/component`. */
  readonly byName: ReadonlyMap<string, CatalogComponent>;
  /** Problems per located component (`repo:root`), e.g. no project claims it. */
  readonly problems: ReadonlyMap<string, readonly Diagnostic[]>;
}

/** Answers which project a component at `repo` + `root` belongs to (the platform's `repos` globs). */
export type ProjectResolver = (repo: string, root: string) => Project | undefined;

export function componentKey(repo: string, root: string): string {
  return `${repo}:${root}`;
}

export function buildCatalog(platform: PlatformConfig, components: readonly LocatedComponent[], projectOf: ProjectResolver): ServiceCatalog {
  const problems = new Map<string, Diagnostic[]>();
  const byName = new Map<string, CatalogComponent>();
  const list: CatalogComponent[] = [];
  const add = (key: string, d: Diagnostic) => problems.set(key, [...(problems.get(key) ?? []), d]);

  for (const { repo, descriptor } of components) {
    const key = componentKey(repo, descriptor.root);
    const project = projectOf(repo, descriptor.root);
    if (!project) {
      add(key, descriptorProblem(descriptor, [], 'no-project',
        `no project in the platform repository claims ${repo}${descriptor.root ? '/' + descriptor.root : ''}`,
        `add "${repo}" to the \`repos\` list of a project in the platform repository (projects/*.yaml)`));
      continue;
    }
    if (!platform.pipelines.has(project.pipeline)) continue; // reported by the platform loader
    const entry: CatalogComponent = {
      repo,
      descriptor,
      project,
      endpoints: descriptor.endpoints.map((endpoint) => ({ id: endpointId(project.name, descriptor.name, endpoint.name), endpoint })),
    };
    const name = `${project.name}/${descriptor.name}`;
    const clash = byName.get(name);
    if (clash) {
      add(key, descriptorProblem(descriptor, ['component', 'name'], 'duplicate-component',
        `component name "${descriptor.name}" is already used in project ${project.name} by ${clash.repo}/${clash.descriptor.sourceFile}`,
        'set a unique `component.name` in .choreo/component.yaml'));
      continue;
    }
    byName.set(name, entry);
    list.push(entry);
  }
  return { components: list, byName, problems };
}
