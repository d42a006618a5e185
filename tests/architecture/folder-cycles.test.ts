// Folders under src/ must not depend on each other in a circle (a imports b and b imports a, directly
// or through other folders): each folder is one concern that can be read, tested and changed alone.
// Every relative import counts: `import`/`export … from`, `import type`, and dynamic `import('…')`.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** folder → folder → one file-level import that makes the edge (for the message) */
type FolderGraph = Map<string, Map<string, string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The top folder under `root` that holds `file`; undefined for files directly in `root` or outside it. */
function topFolder(root: string, file: string): string | undefined {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
}

/** Which top folders under `root` import which, from the import specifiers the TypeScript scanner finds. */
function folderGraph(root: string): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(root)) {
    const from = topFolder(root, file);
    if (!from) continue;
    // preProcessFile lists static imports and re-exports (type-only ones too) and, with the third
    // argument, dynamic import('…') calls
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith('.')) continue;
      const to = topFolder(root, resolve(dirname(file), spec));
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      graph.set(from, edges);
      if (!edges.has(to)) edges.set(to, `${relative(root, file)} imports '${spec}'`);
    }
  }
  return graph;
}

/** Every circle of folders, each as a path that ends where it starts (a → b → a), one per strongly connected group. */
function folderCycles(graph: FolderGraph): string[][] {
  // Tarjan's strongly connected components: a group of two or more folders is a circle
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups.map((g) => shortestCircle(graph, g.sort()[0]!, new Set(g)));
}

/** The shortest path from `start` back to itself inside `group` (breadth first). */
function shortestCircle(graph: FolderGraph, start: string, group: Set<string>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!group.has(w)) continue;
      if (w === start) {
        const path: string[] = [];
        for (let u = v; u !== start; u = prev.get(u)!) path.unshift(u);
        return [start, ...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // not reached: every member of a strongly connected group lies on a circle
}

function describeCycles(graph: FolderGraph, cycles: string[][]): string {
  return cycles
    .map((c) => [c.join(' → '), ...c.slice(1).map((to, i) => `  ${graph.get(c[i]!)!.get(to)}`)].join('\n'))
    .join('\n');
}

describe('folders under src/', () => {
  it('do not import each other in a circle', () => {
    const graph = folderGraph(SRC);
    const cycles = folderCycles(graph);
    expect(describeCycles(graph, cycles), 'folders importing each other').toBe('');
  });

  it('the check finds a circle through a type-only, a dynamic and a re-export import', () => {
    const graph = folderGraph(
      tree({
        'a/one.ts': "import type { B } from '../b/two.js';\nexport type A = B;\n",
        'b/two.ts': "export type B = number;\nexport const load = () => import('../c/three.js');\n",
        'c/three.ts': "export { x } from '../a/deep/four.js';\nimport { readFileSync } from 'node:fs';\n",
        'a/deep/four.ts': 'export const x = 1;\n',
        'd/five.ts': "import { x } from '../a/deep/four.js';\nexport const y = x;\n", // d only imports: no circle
        'index.ts': "import { y } from './d/five.js';\n", // a file directly in the root belongs to no folder
      }),
    );
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([['a', 'b', 'c', 'a']]);
    expect(describeCycles(graph, cycles)).toBe(
      [
        'a → b → c → a',
        "  a/one.ts imports '../b/two.js'",
        "  b/two.ts imports '../c/three.js'",
        "  c/three.ts imports '../a/deep/four.js'",
      ].join('\n'),
    );
  });

  it('the check finds two folders importing each other directly, and nothing in a tree without a circle', () => {
    const files = {
      'x/one.ts': "import { two } from '../y/two.js';\nexport const one = two;\n",
      'y/two.ts': 'export const two = 2;\n',
    };
    expect(folderCycles(folderGraph(tree(files)))).toEqual([]);
    const back = { ...files, 'y/three.ts': "import type { one } from '../x/one.js';\nexport type T = typeof one;\n" };
    expect(folderCycles(folderGraph(tree(back)))).toEqual([['x', 'y', 'x']]);
  });
});

const trees: string[] = [];
afterAll(() => {
  for (const root of trees) rmSync(root, { recursive: true, force: true });
});

/** A temporary source tree made of `files` (path → text); removed after the tests. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'folder-cycles-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
