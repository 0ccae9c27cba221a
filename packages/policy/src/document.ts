import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './didYouMean.js';
import { formatPath, type PolicyIssue } from './errors.js';

/**
 * Locates paths of a parsed AINKA document (YAML or JSON) in its source text, so every issue
 * carries file, line and column. Shared by every `ainka.dev/v1` document kind.
 */
export class DocumentLocator {
  /**
   * @param file file name used in messages
   * @param doc the parsed YAML document
   * @param lines its line counter
   */
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** Position of the node at `path` (or of its key, or of the deepest existing ancestor). */
  pos(path: readonly PropertyKey[], key = false): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let at: Node | undefined = node as Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        if (key && i === path.length - 1 && isScalar(pair.key)) {
          at = pair.key;
          break;
        }
        node = pair.value;
        at = (pair.value ?? pair.key) as Node;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (node === undefined) break;
        at = node as Node;
      } else break;
    }
    const offset = at?.range?.[0] ?? 0;
    const lp = this.lines.linePos(offset);
    return { line: lp.line, column: lp.col };
  }

  /** An issue at `path`; `offset` moves the column right (a character inside a scalar). */
  issue(kind: string, path: readonly PropertyKey[], message: string, options: { key?: boolean; severity?: 'error' | 'warning'; offset?: number } = {}): PolicyIssue {
    const p = this.pos(path, options.key);
    return { severity: options.severity ?? 'error', kind, file: this.file, line: p.line, column: p.column + (options.offset ?? 0), path: formatPath(path), message };
  }

  /** Column offset of the first character of the scalar at `path` (1 when it is quoted, else 0). */
  quoteOffset(path: readonly PropertyKey[]): number {
    const node = this.doc.getIn(path, true) as Node | undefined;
    return isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
  }
}

/** Result of {@link loadDocument}: the plain data and its locator, or the syntax issues. */
export type LoadedDocument =
  | {
      /** The document as plain JS data. */
      readonly data: unknown;
      /** Locates paths of the document in its text. */
      readonly loc: DocumentLocator;
      /** Absent when the text parsed. */
      readonly issues?: undefined;
    }
  | {
      /** Absent when the text did not parse. */
      readonly data?: undefined;
      /** Absent when the text did not parse. */
      readonly loc?: undefined;
      /** One `syntax` issue per YAML/JSON error. */
      readonly issues: readonly PolicyIssue[];
    };

/** Parses YAML or JSON text (duplicate keys are errors) with positions for later issues. */
export function loadDocument(text: string, file = '<inline>'): LoadedDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const lp = lines.linePos(e.pos[0]);
        const first = e.message.split('\n')[0] ?? e.message;
        return { severity: 'error' as const, kind: 'syntax', file, line: lp.line, column: lp.col, path: '', message: `${first.replace(/ at line \d+, column \d+:?$/, '')}; fix the YAML/JSON syntax there` };
      }),
    };
  }
  return { data: doc.toJS() as unknown, loc: new DocumentLocator(file, doc, lines) };
}

/** What {@link schemaIssues} needs to know about one document kind. */
export interface SchemaVocabulary {
  /** The keys allowed at `path` (for "did you mean" on unknown keys). */
  readonly keysAt: (path: readonly PropertyKey[]) => readonly string[];
  /** Help for a value that matches none of a union's forms, by key; undefined for the generic text. */
  readonly unionHelp: (key: string | undefined, path: readonly PropertyKey[]) => string | undefined;
  /** Message for an empty document. */
  readonly empty: string;
  /** Message for a document that is not a mapping; `got` describes what it is. */
  readonly notMapping: (got: string) => string;
}

/** Describes a value for messages: `the string 'x'`, `a list`, `number 3`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** Turns zod issues into located issues that name the problem and the fix. */
export function schemaIssues(loc: DocumentLocator, data: unknown, issues: readonly z.core.$ZodIssue[], vocabulary: SchemaVocabulary): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const last = path[path.length - 1];
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = vocabulary.keysAt(path);
          const guess = didYouMean(key, allowed);
          out.push(loc.issue('schema', [...path, key], `unknown key '${key}'; ${guess ? `did you mean '${guess}'?` : `allowed keys are ${allowed.join(', ')}`}`, { key: true }));
        }
        break;
      case 'invalid_type':
        if (path.length === 0) {
          out.push(loc.issue('schema', path, value === null || value === undefined ? vocabulary.empty : vocabulary.notMapping(describeValue(value))));
        } else if (value === undefined) {
          out.push(loc.issue('schema', path.slice(0, -1), `missing required key '${String(last)}'; add ${String(last)}: …`));
        } else {
          out.push(
            loc.issue(
              'schema',
              path,
              `expected ${issue.expected === 'int' ? 'an integer' : issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}, got ${describeValue(value)}; change the value to that type`,
            ),
          );
        }
        break;
      case 'invalid_value': {
        const want = issue.values.map((v) => `'${String(v)}'`).join(' or ');
        const guess = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
        out.push(loc.issue('schema', path, `${describeValue(value)} is not ${want}; ${guess ? `did you mean '${guess}'?` : issue.values.length > 1 ? 'use one of those' : `write ${String(last)}: ${String(issue.values[0])}`}`));
        break;
      }
      case 'too_small':
        out.push(
          loc.issue(
            'schema',
            path,
            issue.origin === 'array'
              ? `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}; add ${issue.minimum === 1 ? 'one' : 'more'}`
              : issue.inclusive === false
                ? `${String(value)} must be above ${String(issue.minimum)}; use a larger value`
                : `${String(value)} is below the minimum ${String(issue.minimum)}; use ${String(issue.minimum)} or more`,
          ),
        );
        break;
      case 'too_big':
        out.push(
          loc.issue(
            'schema',
            path,
            issue.inclusive === false
              ? `${String(value)} must be below ${String(issue.maximum)}; use a smaller value`
              : `${String(value)} is above the maximum ${String(issue.maximum)}; use ${String(issue.maximum)} or less`,
          ),
        );
        break;
      case 'invalid_union': {
        const key = typeof last === 'string' ? last : [...path].reverse().find((p) => typeof p === 'string');
        const help = vocabulary.unionHelp(key === undefined ? undefined : String(key), path) ?? 'has the wrong shape; check it against the reference';
        out.push(loc.issue('schema', path, `${String(key ?? 'value')} ${help}`));
        break;
      }
      default:
        out.push(loc.issue('schema', path, `${describeValue(value)} ${issue.message}`));
    }
  }
  return out;
}

/** Sorts issues by line, then column. */
export function sortIssues(issues: readonly PolicyIssue[]): PolicyIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
