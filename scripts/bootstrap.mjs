// Installs whatever a fresh clone lacks before `npm start` or `npm test`: npm packages, the Temporal
// CLI, Redis, and compiled contracts. Plain Node with no dependencies, because it runs before them.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureTemporalCli } from '../temporal/install.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureNpmPackages() {
  const installedLock = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(installedLock) && statSync(installedLock).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing npm packages (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function ensureRedis() {
  if (onPath('redis-server')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error('redis-server is not installed. Install Redis 6 or later (Debian: apt-get install redis-server).');
  }
  console.log('Installing redis-server from Debian packages...');
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', 'redis-server'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function compileContracts() {
  run(process.execPath, [
    path.join(root, 'node_modules', 'hardhat', 'internal', 'cli', 'bootstrap.js'),
    'compile',
    '--quiet',
  ]);
}

try {
  ensureNpmPackages();
  ensureTemporalCli();
  ensureRedis();
  compileContracts();
} catch (error) {
  console.error(`Set-up failed: ${error.message}`);
  process.exit(1);
}
