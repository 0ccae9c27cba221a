import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfigYaml } from './config.js';

/** Options of {@link installService}. */
export interface InstallServiceOptions {
  readonly unitDir: string;
  readonly configDir: string;
  readonly enable: boolean;
  readonly reload: boolean;
  readonly dryRun: boolean;
  readonly log: (line: string) => void;
}

/** Directories the hardened unit hides (ProtectHome=yes, PrivateTmp=yes). */
const hiddenPrefixes = ['/home/', '/root/', '/run/user/', '/tmp/', '/var/tmp/'] as const;

const hiddenBy = (path: string): string | undefined => hiddenPrefixes.find((p) => path.startsWith(p));

/**
 * The directories the unit must bind read-only because the hardening would hide them: a build cloned under
 * /root, /home or /tmp (the daemon and the node_modules it imports from: the highest ancestor holding a
 * node_modules), and a node installed there (nvm). Without them the unit crash-loops on MODULE_NOT_FOUND.
 */
export function hiddenPathsOf(main: string, node: string): string[] {
  const out: string[] = [];
  if (hiddenBy(main) !== undefined) {
    let top = dirname(dirname(main));
    for (let d = dirname(main); hiddenBy(`${d}/`) !== undefined && d !== dirname(d); d = dirname(d)) if (existsSync(join(d, 'node_modules'))) top = d;
    out.push(top);
  }
  if (hiddenBy(node) !== undefined) {
    const prefix = dirname(dirname(node)); // <prefix>/bin/node
    if (!out.some((p) => prefix === p || prefix.startsWith(`${p}/`))) out.push(prefix);
  }
  return out;
}

/**
 * The packaged unit file with ExecStart pointing at this node and this build (`paths` for tests). A build or
 * a node the hardening would hide is bound read-only into the unit (`BindReadOnlyPaths=`, and
 * `ProtectHome=tmpfs` instead of `yes` so the bind has somewhere to go).
 */
export function renderUnit(configPath: string, paths?: { readonly main: string; readonly node: string }): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const unit = readFileSync(resolve(here, '..', 'systemd', 'ainkad.service'), 'utf8');
  const main = paths?.main ?? resolve(here, 'main.js');
  const node = paths?.node ?? process.execPath;
  let out = unit.replace(/^ExecStart=.*$/m, `ExecStart=${node} --max-semi-space-size=2 ${main} --config ${configPath}`);
  const binds = hiddenPathsOf(main, node);
  if (binds.length > 0) {
    const inHome = binds.some((b) => ['/home/', '/root/', '/run/user/'].includes(hiddenBy(`${b}/`) ?? ''));
    if (inHome) out = out.replace(/^ProtectHome=yes$/m, 'ProtectHome=tmpfs');
    out = out.replace(/^PrivateTmp=yes$/m, `PrivateTmp=yes\n# this build (or its node) lives where the lines above hide it: bound back, read-only\nBindReadOnlyPaths=${binds.join(' ')}`);
  }
  return out;
}

/**
 * `ainkad install-service`: write the unit (hardened, see systemd/ainkad.service), a default config when
 * none exists, reload systemd and optionally enable and start the service.
 */
export function installService(o: InstallServiceOptions): void {
  const configPath = join(o.configDir, 'ainkad.yaml');
  const unitPath = join(o.unitDir, 'ainkad.service');
  const unit = renderUnit(configPath);
  if (o.dryRun) {
    o.log(`would write ${unitPath}:\n${unit}`);
    if (!existsSync(configPath)) o.log(`would write ${configPath} (the default config)`);
    return;
  }
  mkdirSync(o.unitDir, { recursive: true });
  writeFileSync(unitPath, unit, { mode: 0o644 });
  o.log(`wrote ${unitPath}`);
  if (!existsSync(configPath)) {
    mkdirSync(o.configDir, { recursive: true, mode: 0o755 });
    writeFileSync(configPath, defaultConfigYaml(), { mode: 0o644 });
    o.log(`wrote ${configPath} (defaults: advise mode)`);
  } else {
    o.log(`kept ${configPath}`);
  }
  const hasSystemd = existsSync('/run/systemd/system');
  if (o.reload || o.enable) {
    if (!hasSystemd) {
      o.log('systemd is not running here: skipped daemon-reload/enable; run `systemctl daemon-reload && systemctl enable --now ainkad` on the target.');
      return;
    }
    execFileSync('systemctl', ['daemon-reload'], { stdio: 'inherit' });
    o.log('ran systemctl daemon-reload');
    if (o.enable) {
      execFileSync('systemctl', ['enable', '--now', 'ainkad.service'], { stdio: 'inherit' });
      o.log('enabled and started ainkad.service');
    } else {
      o.log('start it with: systemctl enable --now ainkad');
    }
  }
}
