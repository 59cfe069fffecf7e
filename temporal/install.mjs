// Builds the pinned Temporal CLI (dev server and Web UI) from the Go module proxy into .tools/bin.
// Release downloads are unreachable offline; `go install` of a pinned tag works through the proxy.
// Later CLI tags carry a replace directive in go.mod, which `go install pkg@version` refuses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { cli } = JSON.parse(readFileSync(path.join(root, 'temporal', 'server.json'), 'utf8'));
const binary = path.join(root, cli.binary);
const stamp = `${binary}.version`;

/** Returns the path of the Temporal CLI, building it first when it is missing or of another version. */
export function ensureTemporalCli() {
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === cli.version) return binary;

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error('The Temporal CLI must be built with Go (https://go.dev/dl/), and `go` is not on the PATH.');
  }
  mkdirSync(path.dirname(binary), { recursive: true });
  console.log(`Building the Temporal CLI ${cli.version} with ${go.stdout.trim()} (a few minutes the first time)...`);
  // -v prints each package as it compiles: the progress of a build that takes minutes.
  const build = spawnSync('go', ['install', '-v', `${cli.module}@${cli.version}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: path.dirname(binary) },
  });
  if (build.status !== 0 || !existsSync(binary)) {
    throw new Error(`go install ${cli.module}@${cli.version} failed (exit ${build.status}); see the output above.`);
  }
  writeFileSync(stamp, `${cli.version}\n`);
  console.log(`Temporal CLI ready at ${path.relative(root, binary)}`);
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureTemporalCli();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
