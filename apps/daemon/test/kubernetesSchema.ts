import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Kubernetes manifests checked against the OpenAPI schemas shipped in the `kubernetes-models` npm package
 * (generated from the Kubernetes OpenAPI spec): `validate()` checks types, required fields and enums. Its
 * schemas allow unknown fields, so {@link unknownFields} adds kubectl's `--validate=strict`: every key of
 * every object must be a property of its OpenAPI type, read from the package's type declarations
 * (a misspelt `readOnlyRootFileSystem` would otherwise pass silently).
 */
const require = createRequire(import.meta.url);
const root = dirname(require.resolve('kubernetes-models/package.json'));

const kinds: Record<string, string> = {
  'v1/Namespace': 'v1/Namespace',
  'v1/ServiceAccount': 'v1/ServiceAccount',
  'v1/ConfigMap': 'v1/ConfigMap',
  'v1/Service': 'v1/Service',
  'apps/v1/DaemonSet': 'apps/v1/DaemonSet',
};

/** The model module of a document's apiVersion/kind. */
function modelPath(doc: Record<string, unknown>): string {
  const p = kinds[`${String(doc.apiVersion)}/${String(doc.kind)}`];
  if (p === undefined) throw new Error(`no schema mapped for ${String(doc.apiVersion)} ${String(doc.kind)}`);
  return p;
}

/** Validate one document with the generated OpenAPI schema; returns the error message or null. */
export function schemaError(doc: Record<string, unknown>): string | null {
  const mod = require(join(root, modelPath(doc))) as Record<string, new (d: unknown) => { validate(): void }>;
  const Model = mod[String(doc.kind)] as new (d: unknown) => { validate(): void };
  try {
    new Model(doc).validate();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

interface TypeInfo {
  readonly props: Map<string, string>;
  readonly imports: Map<string, string>;
  readonly file: string;
}

const cache = new Map<string, TypeInfo>();

function typeInfo(file: string): TypeInfo {
  const hit = cache.get(file);
  if (hit !== undefined) return hit;
  const text = readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
    const spec = m[2] as string;
    const pkg = /^(@[^/]+\/[^/]+|[^@/][^/]*)(\/.*)?$/.exec(spec);
    const target = spec.startsWith('.') ? join(dirname(file), `${spec}.d.ts`) : join(dirname(require.resolve(`${pkg?.[1] ?? spec}/package.json`, { paths: [root] })), `${pkg?.[2] ?? ''}.d.ts`);
    imports.set(m[1] as string, target);
  }
  // apiVersion and kind come from TypeMeta.
  const props = new Map<string, string>(/interface I\w+ extends TypeMeta/.test(text) ? [['apiVersion', 'string'], ['kind', 'string']] : []);
  const body = /export interface I\w+(?: extends [^{]+)? \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  for (const m of body.matchAll(/^ {4}"([^"]+)"\??: ([^;]+);/gm)) props.set(m[1] as string, m[2] as string);
  const info = { props, imports, file };
  cache.set(file, info);
  return info;
}

function walk(value: unknown, file: string, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const info = typeInfo(file);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const t = info.props.get(k);
    if (t === undefined) {
      out.push(`${path}.${k}: unknown field (not in ${file.slice(root.length + 1)})`);
      continue;
    }
    const ref = /^(?:Array<)?(I\w+)>?$/.exec(t.trim())?.[1];
    const target = ref === undefined ? undefined : info.imports.get(ref);
    if (target === undefined || !existsSync(target)) continue;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, target, `${path}.${k}[${i}]`, out));
    else walk(v, target, `${path}.${k}`, out);
  }
}

/** Keys that are not properties of their OpenAPI type (kubectl --validate=strict). */
export function unknownFields(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  walk(doc, join(root, `${modelPath(doc)}.d.ts`), String(doc.kind), out);
  return out;
}
