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

/** The packaged unit file with ExecStart pointing at this node and this build. */
export function renderUnit(configPath: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const unit = readFileSync(resolve(here, '..', 'systemd', 'ainkad.service'), 'utf8');
  const main = resolve(here, 'main.js');
  return unit.replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath} --max-semi-space-size=2 ${main} --config ${configPath}`);
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
