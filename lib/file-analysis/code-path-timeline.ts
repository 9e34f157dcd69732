import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

/**
 * Records, for every code path segment, the nodes the rule cares about in execution order, so that an analysis run
 * after the traversal can walk segments (ESLint's code path graph) and still see where inside a segment a call,
 * an `await` or a `return` happens. Current segments are tracked from the segment start/end events (reachable and
 * unreachable), as ESLint recommends now that `codePath.currentSegments` is deprecated (removed in ESLint 10).
 */

export type CodePath = TSESLint.CodePath;
export type CodePathSegment = TSESLint.CodePathSegment;

/** A marker for a structural point no single node's enter/exit describes. */
export type TimelineMarker = 'afterTry' | 'catchEnd' | 'catchStart' | 'finallyEnd' | 'finallyStart' | 'tryBlockEnd';

export interface TimelineItem {
  node: TSESTree.Node;
  phase: 'enter' | 'exit';
  marker: TimelineMarker | null;
}

/** Where an item sits: the segment and its index in that segment's items (one per parallel segment). */
export interface TimelinePosition {
  segment: CodePathSegment;
  index: number;
}

/** The code path a function (or the program, a class field initializer, a static block) owns. */
export interface OwnedCodePath {
  codePath: CodePath;
  owner: TSESTree.Node;
}

export class CodePathTimeline {
  readonly items = new Map<CodePathSegment, TimelineItem[]>();
  readonly codePaths = new Map<TSESTree.Node, CodePath>();
  private readonly enterPositions = new Map<TSESTree.Node, TimelinePosition[]>();
  private readonly exitPositions = new Map<TSESTree.Node, TimelinePosition[]>();
  private readonly markerPositions = new Map<string, TimelinePosition[]>();
  private readonly stack: Set<CodePathSegment>[] = [];

  /** The code path listeners; merge them into a rule's listeners. */
  listeners(): Record<string, (...args: never[]) => void> {
    return {
      onCodePathStart: (codePath: CodePath, node: TSESTree.Node) => {
        this.codePaths.set(node, codePath);
        this.stack.push(new Set());
      },
      onCodePathEnd: () => {
        this.stack.pop();
      },
      onCodePathSegmentStart: (segment: CodePathSegment) => this.current()?.add(segment),
      onCodePathSegmentEnd: (segment: CodePathSegment) => this.current()?.delete(segment),
      onUnreachableCodePathSegmentStart: (segment: CodePathSegment) => this.current()?.add(segment),
      onUnreachableCodePathSegmentEnd: (segment: CodePathSegment) => this.current()?.delete(segment),
    };
  }

  private current(): Set<CodePathSegment> | undefined {
    return this.stack.at(-1);
  }

  /** Appends `node` (entered or left) to the items of every current segment. */
  record(node: TSESTree.Node, phase: 'enter' | 'exit', marker: TimelineMarker | null = null): void {
    const segments = this.current();
    if (segments === undefined) return;
    const positions: TimelinePosition[] = [];
    for (const segment of segments) {
      let list = this.items.get(segment);
      if (list === undefined) {
        list = [];
        this.items.set(segment, list);
      }
      positions.push({ segment, index: list.length });
      list.push({ node, phase, marker });
    }
    if (marker !== null) this.markerPositions.set(markerKey(node, marker), positions);
    else (phase === 'enter' ? this.enterPositions : this.exitPositions).set(node, positions);
  }

  itemsOf(segment: CodePathSegment): readonly TimelineItem[] {
    return this.items.get(segment) ?? [];
  }

  enterPosition(node: TSESTree.Node): TimelinePosition[] {
    return this.enterPositions.get(node) ?? [];
  }

  exitPosition(node: TSESTree.Node): TimelinePosition[] {
    return this.exitPositions.get(node) ?? [];
  }

  markerPosition(node: TSESTree.Node, marker: TimelineMarker): TimelinePosition[] {
    return this.markerPositions.get(markerKey(node, marker)) ?? [];
  }

  /** The innermost node owning a code path that contains `node` (its function, or the program). */
  ownerOf(node: TSESTree.Node): OwnedCodePath | null {
    for (let current: TSESTree.Node | undefined = node.parent; current != null; current = current.parent) {
      const codePath = this.codePaths.get(current);
      if (codePath !== undefined) return { codePath, owner: current };
    }
    return null;
  }
}

const markerIds = new WeakMap<TSESTree.Node, number>();
let nextMarkerId = 0;

function markerKey(node: TSESTree.Node, marker: TimelineMarker): string {
  let id = markerIds.get(node);
  if (id === undefined) {
    id = nextMarkerId++;
    markerIds.set(node, id);
  }
  return `${id}:${marker}`;
}

