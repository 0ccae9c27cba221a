/**
 * What the site is built from: the package and guide discovery, the generated sections of the guides,
 * and the policy examples of the policy guide, which must be valid policies for the real parser.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPolicy, formatIssue } from '@ainka/policy';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotDocumentedWarning, undocumentedByPackage } from '../src/coverage.js';
import { expandSections, sectionGenerators } from '../src/generated.js';
import { renderHome } from '../src/home.js';
import { discoverGuides, discoverPackages, docsRoot, workspaceRoot } from '../src/packages.js';

const temps: string[] = [];
function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ainka-docs-'));
  temps.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('package discovery', () => {
  it('lists every public package under packages/*, from its package.json, sorted by name', () => {
    const root = tempTree({
      'packages/zeta/package.json': JSON.stringify({ name: '@ainka/zeta', version: '1.2.3', description: 'Z' }),
      'packages/zeta/src/index.ts': 'export {};\n',
      'packages/alpha/package.json': JSON.stringify({ name: '@ainka/alpha', description: 'A' }),
      'packages/hidden/package.json': JSON.stringify({ name: '@ainka/hidden', private: true }),
      'packages/not-a-package/README.md': '# nothing\n',
    });
    const found = discoverPackages(root);
    expect(found.map((p) => p.name)).toEqual(['@ainka/alpha', '@ainka/zeta']);
    expect(found[0]).toMatchObject({ folder: 'alpha', version: '0.0.0', hasEntryPoint: false });
    expect(found[1]).toMatchObject({ folder: 'zeta', version: '1.2.3', description: 'Z', hasEntryPoint: true });
  });

  it('names the broken package.json and the fix', () => {
    const root = tempTree({ 'packages/bad/package.json': '{ "name": ' });
    expect(() => discoverPackages(root)).toThrow(/packages\/bad\/package.json is not valid JSON.*fix it/);
  });

  it('finds the real packages of this repository', () => {
    const names = discoverPackages(workspaceRoot).map((p) => p.name);
    expect(names).toContain('@ainka/protocol');
    expect(names.every((n) => n.startsWith('@ainka/'))).toBe(true);
  });
});

describe('guides', () => {
  it('orders guides by their front matter and takes their titles from it', () => {
    const root = tempTree({
      'b.md': '---\ntitle: Second\norder: 2\nsummary: two\n---\n\n# Ignored heading\n',
      'a.md': '# From heading\n',
      'c.md': '---\ntitle: "First"\norder: 1\n---\n',
      'd.svg': '<svg/>',
    });
    const guides = discoverGuides(root);
    expect(guides.map((g) => [g.slug, g.title, g.order])).toEqual([
      ['c', 'First', 1],
      ['b', 'Second', 2],
      ['a', 'From heading', 100],
    ]);
    expect(guides[1]?.summary).toBe('two');
  });

  it('every shipped guide has a title, a summary and an order', () => {
    const guides = discoverGuides();
    expect(guides.length).toBeGreaterThanOrEqual(6);
    for (const g of guides) {
      expect(g.summary, g.slug).not.toBe('');
      expect(g.order, g.slug).toBeLessThan(100);
    }
  });

  it('the home page links every guide and every package with an entry point', () => {
    const packages = [
      { name: '@ainka/a', folder: 'a', dir: '/x/a', description: 'has | pipe', version: '1.0.0', hasEntryPoint: true },
      { name: '@ainka/b', folder: 'b', dir: '/x/b', description: 'B', version: '1.0.0', hasEntryPoint: false },
    ];
    const guides = [{ file: '/site/build/guides/install.md', slug: 'install', title: 'Install', order: 1, summary: 'S' }];
    const md = renderHome({ packages, guides, homeDir: '/site/build', intro: 'Intro' });
    expect(md).toContain('[Install](guides/install.md)');
    expect(md).toContain('{@link "@ainka/a"! | @ainka/a}');
    expect(md).toContain('has \\| pipe');
    expect(md).toContain('@ainka/b (no `src/index.ts` yet)');
    expect(md).not.toContain('{@link "@ainka/b"');
  });
});

describe('generated sections', () => {
  it('replaces a placeholder and rejects an unknown one', async () => {
    const root = tempTree({
      'kernel/src/main.c':
        'static uint x = 1;\nmodule_param(x, uint, 0444);\nMODULE_PARM_DESC(x,\n\t"The x "\n\t"knob (1-9)");\n',
    });
    const out = await expandSections('before\n<!-- ainka:kernel-params -->\nafter\n', root);
    expect(out).toContain('| `x` | uint | The x knob (1-9) | `kernel/src/main.c` |');
    expect(out).not.toContain('<!-- ainka:');
    await expect(expandSections('<!-- ainka:no-such-thing -->\n', root)).rejects.toThrow(/unknown generated section.*use one of/);
  });

  it('writes a note instead of failing when a source is missing', async () => {
    const root = tempTree({});
    for (const name of ['debian-packages', 'kernel-params', 'ebpf-programs', 'dkms']) {
      const text = await sectionGenerators[name]?.(root);
      expect(text, name).toMatch(/not available when this site was built|No `dkms.conf`/);
    }
  });

  it('every placeholder in the shipped guides is known', () => {
    for (const guide of discoverGuides()) {
      for (const m of readFileSync(guide.file, 'utf8').matchAll(/<!-- ainka:([a-z-]+) -->/g)) {
        expect(Object.keys(sectionGenerators), `${guide.slug}: ${m[1]}`).toContain(m[1]);
      }
    }
  });
});

describe('API coverage report', () => {
  it("attributes typedoc's undocumented warnings to packages and strips colour codes", () => {
    const packages = discoverPackages(workspaceRoot);
    const warnings = [
      '\u001b[93m[warning]\u001b[0m @ainka/ml.Foo.bar (Property), defined in @ainka/ml/src/foo.ts, does not have any documentation',
      '[warning] @ainka/protocol.baz (Variable), defined in ./packages/protocol/src/baz.ts, does not have any documentation',
      '[warning] something else',
    ];
    expect(isNotDocumentedWarning(warnings[0] as string)).toBe(true);
    expect(isNotDocumentedWarning(warnings[2] as string)).toBe(false);
    const report = undocumentedByPackage(warnings, packages);
    expect(report.undocumented['@ainka/ml']).toEqual(['Foo.bar (Property)']);
    expect(report.undocumented['@ainka/protocol']).toEqual(['baz (Variable)']);
    expect(report.other).toEqual(['[warning] something else']);
  });
});

describe('the policy guide', () => {
  it('its example policies are valid for @ainka/policy', () => {
    const text = readFileSync(join(docsRoot, 'guides', 'writing-a-policy.md'), 'utf8');
    const examples = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const documents = examples.filter((e) => e.includes('apiVersion: ainka.dev/v1'));
    expect(documents.length).toBeGreaterThan(0);
    for (const doc of documents) {
      const { policy, issues } = checkPolicy(doc, { file: 'writing-a-policy.md' });
      expect(issues.map(formatIssue)).toEqual([]);
      expect(policy).toBeDefined();
    }
    // A `when:` fragment shown on its own must parse inside a rule too.
    for (const fragment of examples.filter((e) => e.startsWith('when:'))) {
      const doc = [
        'apiVersion: ainka.dev/v1',
        'kind: Policy',
        'name: fragment',
        'rules:',
        '  - name: r',
        '    then: [{knob: sysctl:vm.swappiness, set: 10}]',
        ...fragment.split('\n').map((line) => `    ${line}`),
      ].join('\n');
      expect(checkPolicy(doc).issues.map(formatIssue)).toEqual([]);
    }
  });
});
