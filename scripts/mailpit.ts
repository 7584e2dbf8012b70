/**
 * `npm start` without GONGKAI_SMTP_URL: Mailpit (built by the bootstrap into .data/bin) as the
 * SMTP server, so notices e-mailed to applicants can be read in its web UI. Ports
 * GONGKAI_MAILPIT_SMTP_PORT (1025) and GONGKAI_MAILPIT_UI_PORT (8025); mails kept in .data/mailpit.db.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface LocalMailpit {
  smtpUrl: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export async function startLocalMailpit(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalMailpit | null> {
  const binary = env.MAILPIT_PATH ?? path.join(dataDir, 'bin', 'mailpit');
  if (!fs.existsSync(binary)) return null;
  const smtpPort = Number(env.GONGKAI_MAILPIT_SMTP_PORT ?? 1025);
  const uiPort = Number(env.GONGKAI_MAILPIT_UI_PORT ?? 8025);
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const child = spawn(
    binary,
    [
      '--smtp',
      `127.0.0.1:${smtpPort}`,
      '--listen',
      `127.0.0.1:${uiPort}`,
      '--database',
      path.join(dataDir, 'mailpit.db'),
      '--disable-version-check',
      '--smtp-disable-rdns',
      '--quiet',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && child.exitCode === null; i += 1) {
    try {
      if ((await fetch(`${uiUrl}/api/v1/messages?limit=1`)).ok) {
        return {
          smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
          uiUrl,
          stop: () =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  return null;
}
