import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface InstallResult {
  kind: 'systemd' | 'cron';
  path: string;
  content: string;
  next: string;
}

/** The command line that starts the daemon, with absolute paths and the data dir pinned. */
function daemonCommand(binPath: string, dataDir: string): string {
  const q = (s: string) => (/[\s"'$]/.test(s) ? `'${s.replace(/'/g, `'\\''`)}'` : s);
  return `${q(process.execPath)} ${q(binPath)} daemon --data-dir ${q(dataDir)}`;
}

/**
 * Writes a systemd user unit (~/.config/systemd/user/mixtape.service), or a crontab line into the
 * config dir, that keeps `mixtape daemon` running. It installs nothing system-wide and enables
 * nothing: `next` says the one command that does.
 */
export async function installDaemon(kind: 'systemd' | 'cron', binPath: string, dataDir: string, configDir: string): Promise<InstallResult> {
  const cmd = daemonCommand(binPath, dataDir);
  if (kind === 'systemd') {
    const path = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user', 'mixtape.service');
    const content = [
      '[Unit]',
      'Description=Mixtape scheduler (mixtape daemon)',
      'After=network-online.target',
      '',
      '[Service]',
      `ExecStart=${cmd}`,
      'Restart=on-failure',
      'RestartSec=30',
      '',
      '[Install]',
      'WantedBy=default.target',
      '',
    ].join('\n');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return { kind, path, content, next: 'systemctl --user daemon-reload && systemctl --user enable --now mixtape.service' };
  }
  const path = join(configDir, 'mixtape.crontab');
  const content = `@reboot ${cmd} >> ${join(dataDir, 'daemon.log')} 2>&1\n`;
  await mkdir(configDir, { recursive: true });
  await writeFile(path, content);
  return { kind, path, content, next: `(crontab -l 2>/dev/null; cat ${path}) | crontab -` };
}
