import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import dotenv from 'dotenv';

/**
 * Loads `.env`, then the settings `npm start` wrote to DATA_DIR/local.env, into `process.env`.
 *
 * A variable already set in the environment wins, then `.env`, then local.env. A blank value counts as
 * unset, so `.env` copied from .env.example does not hide the local stack's addresses. The stack itself
 * reads only `.env` (`includeLocalEnv: false`), since local.env is its own output.
 */
export function loadEnvFiles(cwd = process.cwd(), options: { includeLocalEnv?: boolean } = {}): void {
  applyEnvFile(path.join(cwd, '.env'));
  if (options.includeLocalEnv === false) return;
  const dataDir = path.resolve(cwd, process.env.DATA_DIR?.trim() || '.data');
  applyEnvFile(path.join(dataDir, 'local.env'));
}

function applyEnvFile(file: string) {
  if (!existsSync(file)) return;
  for (const [name, value] of Object.entries(dotenv.parse(readFileSync(file)))) {
    if (value.trim() !== '' && !process.env[name]?.trim()) process.env[name] = value;
  }
}
