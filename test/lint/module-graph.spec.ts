import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Feature modules depend on each other in one direction: the graph of "a file of module A imports
 * a file of module B" (the code that ships; tests may reach anywhere) has no cycle. A cycle is
 * how modules get tied in knots (eligibility ↔ assignments, workers ↔ eligibility were): neither
 * can be understood, tested or moved without the other. The imports are read with TypeScript's
 * own scanner (`ts.preProcessFile`), which sees `import type` and re-exports too.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULES = path.join(ROOT, 'src/modules');
/** Composition-level (the demo seed and the Firestore migration reach every module, as main.ts does). */
const COMPOSITION = new Set(['demo', 'firestore-migration']);

type Graph = Map<string, Map<string, string[]>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** module → module it imports → the importing files (relative), for the failure message. */
function moduleGraph(): Graph {
  const graph: Graph = new Map();
  for (const feature of readdirSync(MODULES)) {
    if (COMPOSITION.has(feature)) continue;
    const edges = new Map<string, string[]>();
    graph.set(feature, edges);
    for (const file of sourceFiles(path.join(MODULES, feature))) {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const { fileName } of importedFiles) {
        if (!fileName.startsWith('.')) continue;
        const target = path.relative(MODULES, path.resolve(path.dirname(file), fileName));
        const other = target.split(path.sep)[0];
        if (!other || other.startsWith('..') || other === feature) continue;
        const from = path.relative(ROOT, file);
        edges.set(other, [...(edges.get(other) ?? []), from]);
      }
    }
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the modules along it (first = last). */
export function cyclesOf(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('feature modules depend on each other in one direction', () => {
  it('finds a planted cycle, and the path along it', () => {
    const planted = new Map([
      ['assignments', new Map([['eligibility', []]])],
      ['eligibility', new Map([['workers', []]])],
      ['workers', new Map([['eligibility', []]])],
    ]);
    expect(cyclesOf(planted)).toEqual([['eligibility', 'workers', 'eligibility']]);
  });

  it('has no cycle among the modules under src/modules', () => {
    const graph = moduleGraph();
    const explained = cyclesOf(graph).map((cycle) =>
      cycle
        .slice(1)
        .map((to, i) => {
          const from = cycle[i]!;
          return `${from} → ${to} (${graph.get(from)?.get(to)?.join(', ')})`;
        })
        .join('; '),
    );
    expect(explained).toEqual([]);
  });

  it('reads the real graph: eligibility reads workers, businesses and shifts; assignments reads eligibility', () => {
    const graph = moduleGraph();
    expect([...(graph.get('eligibility')?.keys() ?? [])].sort()).toEqual(
      expect.arrayContaining(['businesses', 'shifts', 'workers']),
    );
    expect(graph.get('assignments')?.has('eligibility')).toBe(true);
    for (const owner of ['workers', 'businesses', 'shifts']) {
      expect(graph.get(owner)?.has('eligibility')).toBe(false);
    }
  });
});
