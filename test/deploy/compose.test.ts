import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * Static checks of the container files (no Docker engine is needed): docker-compose.yml passes
 * dclint and wires the services as documented; the Dockerfile is multi-stage, runs as a non-root
 * user from production dependencies only, and copies files that exist and that .dockerignore lets
 * into the build context; the runtime needs no devDependency.
 */
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

/** Instructions per stage, continuation lines joined and comments dropped, as Docker reads them. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [, image = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({ image, name, instructions: [] });
    } else if (stages.length === 0) {
      if (upper === 'ARG') {
        const [key = '', value = ''] = rest.split('=');
        args.set(key, value);
      }
    } else {
      stages.at(-1)?.instructions.push({ op: upper, args: rest });
    }
  }
  return { args, stages };
}

function copies(stage: Stage): { from: string | null; sources: string[]; target: string }[] {
  return stage.instructions
    .filter((instruction) => instruction.op === 'COPY')
    .map((instruction) => {
      const words = instruction.args.split(/\s+/);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      return { from: from ?? null, sources: paths.slice(0, -1), target: paths.at(-1) ?? '' };
    });
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const stageNamed = (name: string): Stage => {
  const stage = dockerfile.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return stage;
};

/** Docker's .dockerignore rule: the last pattern matching the path or one of its parents wins. */
function inBuildContext(file: string, patterns: string[]): boolean {
  let included = true;
  const parts = file.split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const regex = new RegExp(
      `^${pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((piece) =>
          piece === '**/' || piece === '**'
            ? '(?:.*/)?'
            : piece === '*'
              ? '[^/]*'
              : piece === '?'
                ? '[^/]'
                : piece.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('')}$`,
    );
    if (candidates.some((candidate) => regex.test(candidate))) included = negated;
  }
  return included;
}

const ignorePatterns = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('has build, prod-deps and runtime stages on a pinned node 20 slim image', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['build', 'prod-deps', 'runtime']);
    const version = dockerfile.args.get('NODE_VERSION');
    expect(version).toMatch(/^20\.\d+/);
    for (const stage of dockerfile.stages) {
      expect(stage.image).toBe('node:${NODE_VERSION}-bookworm-slim');
    }
  });

  it('builds with the project scripts: prisma generate (postinstall), then npm run build', () => {
    const runs = stageNamed('build').instructions.filter((instruction) => instruction.op === 'RUN');
    const commands = runs.map((instruction) => instruction.args).join('\n');
    expect(commands).toMatch(/npm ci\b/);
    expect(commands).toMatch(/npm run postinstall/);
    expect(commands).toMatch(/npm run build/);
    expect(JSON.parse(read('package.json')).scripts.postinstall).toMatch(/prisma generate/);
  });

  it('installs production dependencies only, and the runtime takes node_modules from there', () => {
    const prodRun = stageNamed('prod-deps')
      .instructions.filter((instruction) => instruction.op === 'RUN')
      .map((instruction) => instruction.args)
      .join('\n');
    expect(prodRun).toMatch(/npm ci\b[^\n&]*--omit=dev/);
    const runtimeCopies = copies(stageNamed('runtime'));
    expect(runtimeCopies).toContainEqual({
      from: 'prod-deps',
      sources: ['/app/node_modules'],
      target: './node_modules',
    });
    expect(runtimeCopies).toContainEqual({
      from: 'build',
      sources: ['/app/dist'],
      target: './dist',
    });
    for (const copy of runtimeCopies.filter((candidate) => candidate.from === 'build')) {
      expect(copy.sources.join(' ')).not.toMatch(/node_modules/);
    }
  });

  it('runs dist/src/server.js as a non-root user with a health check on /health/ready', () => {
    const runtime = stageNamed('runtime').instructions;
    const users = runtime.filter((instruction) => instruction.op === 'USER');
    const user = users.at(-1)?.args ?? '';
    expect(user).not.toBe('');
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/);
    const cmdIndex = runtime.findIndex((instruction) => instruction.op === 'CMD');
    const userIndex = runtime.lastIndexOf(users.at(-1) as Instruction);
    expect(cmdIndex).toBeGreaterThan(userIndex);
    expect(JSON.parse(runtime[cmdIndex]?.args ?? 'null')).toEqual(['node', 'dist/src/server.js']);
    // `npm start` runs the same file, from the same tsc configuration.
    const start = JSON.parse(read('package.json')).scripts.start as string;
    expect(start).toMatch(/node dist\/src\/server\.js/);
    // ... with the same default V8 heap cap (an operator's NODE_OPTIONS replaces it in both).
    const heapCap = /NODE_OPTIONS=\$\{NODE_OPTIONS:-(--max-old-space-size=\d+)\}/.exec(start)?.[1];
    expect(heapCap).toBeDefined();
    const runtimeEnv = runtime
      .filter((instruction) => instruction.op === 'ENV')
      .map((instruction) => instruction.args)
      .join(' ');
    expect(runtimeEnv).toContain(`NODE_OPTIONS=${heapCap}`);
    const build = JSON.parse(read('tsconfig.build.json'));
    expect(build.compilerOptions).toMatchObject({ rootDir: '.', outDir: 'dist' });
    expect(existsSync(path.join(root, 'src/server.ts'))).toBe(true);

    const health = runtime.find((instruction) => instruction.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).toMatch(/CMD \["node", "-e", .*\/health\/ready/);
    const env = runtime
      .filter((instruction) => instruction.op === 'ENV')
      .map((instruction) => instruction.args)
      .join(' ');
    for (const setting of ['NODE_ENV=production', 'HOST=0.0.0.0', 'PORT=3000', 'DATA_DIR=/data']) {
      expect(env).toContain(setting);
    }
    expect(runtime).toContainEqual({ op: 'EXPOSE', args: '3000' });
  });

  it('copies files that exist and that .dockerignore lets into the build context', () => {
    const fromContext = dockerfile.stages.flatMap((stage) =>
      copies(stage)
        .filter((copy) => copy.from === null)
        .flatMap((copy) => copy.sources),
    );
    expect(fromContext.length).toBeGreaterThanOrEqual(10);
    for (const source of fromContext) {
      expect(existsSync(path.join(root, source)), source).toBe(true);
      expect(inBuildContext(source, ignorePatterns), source).toBe(true);
    }
    // The runtime finds these by walking up from dist/src: they must keep the repository layout.
    const runtimeTargets = copies(stageNamed('runtime')).map((copy) => copy.target);
    expect(runtimeTargets).toEqual(
      expect.arrayContaining(['./node_modules', './dist', './prisma/migrations', './seed/curated']),
    );
    expect(readdirSync(path.join(root, 'prisma/migrations')).length).toBeGreaterThan(0);
    expect(readdirSync(path.join(root, 'seed/curated')).length).toBeGreaterThan(0);
  });

  it('keeps local state and generated files out of the build context', () => {
    for (const file of [
      'node_modules/fastify/package.json',
      'dist/src/server.js',
      'data/pg/PG_VERSION',
      '.git/config',
      '.env',
      'src/generated/prisma/client.ts',
      'test/deploy/compose.test.ts',
    ]) {
      expect(inBuildContext(file, ignorePatterns), file).toBe(false);
    }
    expect(inBuildContext('src/server.ts', ignorePatterns)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// What the runtime imports must be a production dependency (the image has no devDependencies).

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .filter((entry) => !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return null;
  }
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : (specifier.split('/')[0] ?? specifier);
  return builtinModules.includes(name) ? null : name;
}

describe('runtime dependencies', () => {
  it('src, seed and bin import only production dependencies', () => {
    const manifest = JSON.parse(read('package.json'));
    const production = new Set(Object.keys(manifest.dependencies ?? {}));
    const files = ['src', 'seed', 'bin'].flatMap((dir) => sourceFiles(path.join(root, dir)));
    expect(files.length).toBeGreaterThan(20);
    const imported = new Map<string, string>();
    const patterns = [
      /^\s*import\s+(?!type\b)[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm,
      /^\s*export\s+(?!type\b)[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm,
      /^\s*import\s+['"]([^'"]+)['"]/gm,
      /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
          const name = packageOf(match[1] ?? '');
          if (name) imported.set(name, path.relative(root, file));
        }
      }
    }
    // Not vacuous: the server's own framework and database driver are among them.
    expect([...imported.keys()]).toEqual(expect.arrayContaining(['fastify', 'pg']));
    for (const [name, file] of imported) {
      expect(production.has(name), `${name} (imported by ${file})`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

async function dclint(file: string): Promise<{ errorCount: number; messages: unknown[] }[]> {
  const require = createRequire(import.meta.url);
  const bin = path.join(path.dirname(require.resolve('dclint/package.json')), 'bin/dclint.cjs');
  const result = await run(process.execPath, [bin, file, '--formatter', 'json'], {
    cwd: root,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return JSON.parse(result.stdout);
}

interface ComposeService {
  image?: string;
  build?: unknown;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
  pull_policy?: string;
}

const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

describe('docker-compose.yml', () => {
  it('passes dclint with no errors and no warnings', async () => {
    const results = await dclint('docker-compose.yml');
    expect(results).toHaveLength(1);
    expect(results[0]?.messages).toEqual([]);
  });

  it('dclint does report a broken file (the check above is not vacuous)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dclint-'));
    try {
      const file = path.join(dir, 'docker-compose.yml');
      await writeFile(file, 'services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n');
      const results = await dclint(file);
      expect(results[0]?.errorCount).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts the API after a healthy PostgreSQL, with the operator key required', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'api-2', 'postgres', 'proxy']);
    const postgres = service('postgres');
    expect(postgres.image).toMatch(/^postgres:1[6-9]\b/);
    expect(postgres.healthcheck?.test).toContain('pg_isready');
    expect(postgres.volumes?.some((volume) => volume.endsWith(':/var/lib/postgresql/data'))).toBe(
      true,
    );
    for (const name of ['api', 'api-2']) {
      const api = service(name);
      expect(api.image).toBe('port-registry:local');
      expect(api.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(api.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/[^@]+@postgres:5432\//);
      expect(api.environment?.ADMIN_API_KEY).toMatch(/^\$\{ADMIN_API_KEY:\?/);
      expect(api.healthcheck?.test.join(' ')).toContain('/health/ready');
    }
    expect(service('api').build).toBe('.');
    expect(service('api-2').build).toBeUndefined();
    expect(service('api-2').profiles).toEqual(['replicas']);
    expect(service('api-2').pull_policy).toBe('never');
  });

  it('puts nginx in front of both replicas', () => {
    const proxy = service('proxy');
    expect(proxy.depends_on?.api?.condition).toBe('service_healthy');
    const mount = proxy.volumes?.find((volume) => volume.includes('/etc/nginx/conf.d/'));
    const [source = ''] = (mount ?? '').split(':');
    const nginx = read(source);
    expect(nginx).toMatch(/server api:3000 resolve/);
    expect(nginx).toMatch(/server api-2:3000 resolve/);
    expect(nginx).toMatch(/proxy_set_header X-Request-Id/);
    const published = proxy.ports?.[0] ?? '';
    const listen = /listen (\d+);/.exec(nginx)?.[1];
    expect(published.endsWith(`:${listen}`)).toBe(true);
  });
});
