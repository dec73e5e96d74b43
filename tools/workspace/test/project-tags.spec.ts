import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../..');

const SCOPES = [
  'scope:gateway',
  'scope:user',
  'scope:catalog',
  'scope:order',
  'scope:payment',
  'scope:shared',
];
const TYPES = ['type:app', 'type:lib', 'type:contracts', 'type:testing', 'type:tool'];

interface ProjectNode {
  name: string;
  data: { root: string; tags?: string[] };
}

// Read through Nx itself, so a project anywhere in the tree is included.
const graph = spawnSync(
  process.execPath,
  [join(workspaceRoot, 'node_modules/nx/dist/bin/nx.js'), 'graph', '--file=stdout'],
  {
    cwd: workspaceRoot,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  },
);
const projects = Object.values(
  (JSON.parse(graph.stdout) as { graph: { nodes: Record<string, ProjectNode> } }).graph.nodes,
);

describe('project tags', () => {
  it('finds the workspace projects', () => {
    expect(projects.map((project) => project.name)).toEqual(
      expect.arrayContaining(['infra', 'testing', 'workspace', 'scripts']),
    );
  });

  it.each(projects.map((project) => [project.name, project] as const))(
    '%s has exactly one known scope tag and one known type tag',
    (_name, project) => {
      const tags = project.data.tags ?? [];

      expect(tags.filter((tag) => tag.startsWith('scope:'))).toHaveLength(1);
      expect(tags.filter((tag) => SCOPES.includes(tag))).toHaveLength(1);
      expect(tags.filter((tag) => tag.startsWith('type:'))).toHaveLength(1);
      expect(tags.filter((tag) => TYPES.includes(tag))).toHaveLength(1);
    },
  );

  it('keeps apps under apps/ tagged type:app, and nothing else', () => {
    for (const project of projects) {
      expect([project.name, project.data.root.startsWith('apps/')]).toEqual([
        project.name,
        (project.data.tags ?? []).includes('type:app'),
      ]);
    }
  });
});
