import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { parseDaemonConfig } from '../src/config.js';
import { repo } from './harness.js';
import { renderChart } from './helmTemplate.js';
import { schemaError, unknownFields } from './kubernetesSchema.js';

const chart = join(repo, 'deploy', 'helm', 'ainka');
const manifest = join(repo, 'deploy', 'kubernetes', 'ainka.yaml');
type Doc = Record<string, unknown>;

interface ContainerLike {
  securityContext: { privileged: boolean; allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; capabilities: { drop: string[]; add?: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  ports: { name: string; containerPort: number }[];
}
interface PodSpecLike {
  hostPID: boolean;
  hostNetwork: boolean;
  automountServiceAccountToken: boolean;
  containers: ContainerLike[];
  volumes: { name: string }[];
}

const namespaceDoc: Doc = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ainka', labels: { 'app.kubernetes.io/name': 'ainka' } } };

function render(values: Record<string, unknown> = {}): Doc[] {
  return renderChart(chart, { name: 'ainka', namespace: 'ainka' }, values);
}
const podSpec = (docs: Doc[]) => ((docs.find((d) => d.kind === 'DaemonSet')?.spec as { template: { spec: PodSpecLike } }).template.spec);
const ainkadConfig = (docs: Doc[]) => {
  const cm = docs.find((d) => d.kind === 'ConfigMap' && (d.metadata as { name: string }).name === 'ainka-config') as { data: Record<string, string> };
  return parseAllDocuments(cm.data['ainkad.yaml'] as string)[0]?.toJS() as Record<string, unknown>;
};

function expectValid(docs: Doc[]): void {
  for (const d of docs) {
    expect(schemaError(d), `${String(d.kind)}`).toBeNull();
    expect(unknownFields(d), `${String(d.kind)}`).toEqual([]);
  }
}

describe('deploy/kubernetes and deploy/helm/ainka', () => {
  it('the checked-in DaemonSet manifest is the chart rendered with its defaults (regenerate: AINKA_UPDATE_MANIFESTS=1)', () => {
    const rendered = [namespaceDoc, ...render()];
    const text = `# Generated from deploy/helm/ainka with its default values (apps/daemon/test/kubernetes.test.ts,\n# AINKA_UPDATE_MANIFESTS=1 to regenerate). kubectl apply -f deploy/kubernetes/ainka.yaml\n${rendered.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join('')}`;
    if (process.env.AINKA_UPDATE_MANIFESTS === '1') writeFileSync(manifest, text);
    expect(readFileSync(manifest, 'utf8')).toBe(text);
  });

  it('every document of the manifest validates against the Kubernetes OpenAPI schemas, strictly (no unknown fields)', () => {
    const docs = parseAllDocuments(readFileSync(manifest, 'utf8')).map((d) => d.toJS() as Doc).filter((d) => d !== null);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ConfigMap', 'ConfigMap', 'DaemonSet', 'Service', 'ServiceAccount']);
    expectValid(docs);
  });

  it('the validation can fail: a wrong type and a misspelt security field are both caught', () => {
    const ds = structuredClone(render().find((d) => d.kind === 'DaemonSet') as Doc);
    const c = (ds.spec as { template: { spec: PodSpecLike } }).template.spec.containers[0] as unknown as Record<string, Record<string, unknown>>;
    (c.securityContext as Record<string, unknown>).readOnlyRootFileSystem = true;
    expect(unknownFields(ds)).toEqual(['DaemonSet.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field (not in v1/SecurityContext.d.ts)']);
    (c.ports as unknown as { containerPort: unknown }[])[0]!.containerPort = 'metrics';
    expect(schemaError(ds)).toMatch(/containerPort must be integer/);
  });

  it('least privilege by default: advise mode, no hostPID, read-only root and host mounts, only BPF/PERFMON/SYS_PTRACE, no token', () => {
    const docs = render();
    const spec = podSpec(docs);
    const c = spec.containers[0] as ContainerLike;
    expect(spec.hostPID).toBe(false);
    expect(spec.hostNetwork).toBe(true); // /proc/net and net.* knobs are per network namespace
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(c.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
    expect(c.securityContext.capabilities.add).toEqual(['BPF', 'PERFMON', 'SYS_PTRACE']);
    for (const m of c.volumeMounts.filter((v) => v.mountPath.startsWith('/host') || v.mountPath.startsWith('/etc/ainka'))) expect(m.readOnly, m.mountPath).toBe(true);
    expect(c.volumeMounts.some((m) => m.mountPath === '/dev/ainka')).toBe(false);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    const svc = docs.find((d) => d.kind === 'Service') as { spec: { ports: { port: number }[]; clusterIP: string } };
    expect(svc.spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'metrics', port: 9464, targetPort: 'metrics' }] });
  });

  it('each layer adds only its own privilege: no eBPF drops BPF/PERFMON, the guard adds hostPID, the module privileged + /dev/ainka, enforce SYS_NICE + writable /proc and /sys', () => {
    const caps = (docs: Doc[]) => (podSpec(docs).containers[0] as ContainerLike).securityContext.capabilities.add;
    expect(caps(render({ ebpf: { enabled: false } }))).toEqual(['SYS_PTRACE']);
    expect(podSpec(render({ guard: { enabled: true } })).hostPID).toBe(true);
    const mod = render({ module: { enabled: true } });
    expect((podSpec(mod).containers[0] as ContainerLike).securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
    expect(caps(mod)).toContain('NET_ADMIN');
    expect((podSpec(mod).containers[0] as ContainerLike).volumeMounts.map((m) => m.mountPath)).toContain('/dev/ainka');
    const enf = render({ mode: 'enforce' });
    expect(caps(enf)).toEqual(['BPF', 'PERFMON', 'SYS_NICE', 'SYS_PTRACE']);
    expect((podSpec(enf).containers[0] as ContainerLike).volumeMounts.filter((m) => m.mountPath.startsWith('/host')).every((m) => m.readOnly === false)).toBe(true);
    for (const values of [{ ebpf: { enabled: false } }, { guard: { enabled: true } }, { module: { enabled: true } }, { mode: 'enforce' }, { ebpf: { memlock: true }, journal: { enabled: false } }]) expectValid(render(values));
  });

  it("the ainkad.yaml in the ConfigMap is a valid ainkad config matching the chart's choices", () => {
    for (const [values, expected] of [
      [{}, { mode: 'advise', ebpf: 'auto', module: 'off', guard: 'off' }],
      [{ mode: 'enforce', ebpf: { enabled: false }, module: { enabled: true }, guard: { enabled: true } }, { mode: 'enforce', ebpf: 'off', module: 'auto', guard: 'auto' }],
    ] as const) {
      const cfg = parseDaemonConfig(ainkadConfig(render(values as Record<string, unknown>)), 'chart ConfigMap');
      expect({ mode: cfg.mode, ebpf: cfg.telemetry.ebpf, module: cfg.kernel.module, guard: cfg.guard.enabled }).toEqual(expected);
      expect(cfg.metrics).toMatchObject({ host: '0.0.0.0', port: 9464 });
      expect(cfg.policy.watchDirs).toEqual(['/etc/ainka/policies', '/etc/ainka/fleet']);
    }
  });

  it('operator policies become ConfigMap files', () => {
    const policy = 'apiVersion: ainka.dev/v1\nkind: Policy\nname: p\nrules: []\n';
    const cm = render({ policies: { 'p.yaml': policy } }).find((d) => (d.metadata as { name: string }).name === 'ainka-policies') as { data: Record<string, string> };
    expect(cm.data['p.yaml']).toBe(policy);
  });
});
