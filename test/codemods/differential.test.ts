/**
 * The codemod's contract, proven on real code: every setup module of the corpus (test/codemods/corpus, each with
 * its PROVENANCE.md) and every fixture pair is loaded before and after migration with a capturing stand-in for
 * Sequelize, under NODE_ENV unset / development / test / production and with the module's own environment
 * variables set, set to nonsense and empty (differential/differential.ts). What `new Sequelize` receives must
 * differ only by the announced changes; a second run must change nothing; a module the codemod leaves alone
 * must say why.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ExpectStatic } from 'vitest';

import { afterAll, describe, expect, it } from 'vitest';

import type { PoolConfigOptions } from '../../codemods/pool-config';
import type { DifferentialReport } from './differential/differential';

import { runDifferential } from './differential/differential';

const CORPUS = path.join(__dirname, 'corpus');
const FIXTURES = path.join(__dirname, '__testfixtures__');
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'legacy-server');

/** The review that found issue 11 ran with --processes 4. */
const OPTIONS: PoolConfigOptions = { processes: 4 };

interface CorpusCase {
  slug: string;
  /** The setup module, relative to the corpus folder. */
  entry: string;
  /** Constructions the codemod leaves alone, with the reason it must give (a whole file when nothing migrates). */
  skipped?: RegExp[];
  /** Pools the codemod cannot prove fit the budget: warned about (the command exits 1), never promised. */
  warnings: number;
  /** Why loading the module does not reach `new Sequelize` (the differential is then only a load check). */
  notExercised?: string;
  /** The sequelize-cli JSON config whose pools the run edits (relative to the corpus folder), with its edits per environment. */
  cliConfig?: { file: string; changes: Record<string, number> };
}

const SQLITE = /SQLite has no pool \(Sequelize's SQLite connection manager never uses the pool options\); nothing to migrate/u;

const CASES: CorpusCase[] = [
  { slug: '01-shinobu-cli-configjs-ternary', entry: 'db/db.js', warnings: 2 },
  { slug: '02-todo-list-node-config-get', entry: 'database/database.js', warnings: 0 },
  { slug: '03-ermi-sequelize-typescript-node-config-mysql', entry: 'migrations/service/db.ts', warnings: 0 },
  { slug: '04-webservice-mysql-replication', entry: 'config/connection.js', warnings: 0 },
  { slug: '05-horcrux-webapp-replication-pool-in-replicas', entry: 'config/database.js', warnings: 0 },
  { slug: '06-mediflow-sqlite-memory-test', entry: 'code/backend/src/tests/config/test-db.config.js', skipped: [SQLITE], warnings: 0 },
  { slug: '07-peachy-ts-sqlite-memory', entry: 'server/src/config/database.ts', skipped: [SQLITE], warnings: 0 },
  { slug: '08-multilind-class-wrapper-config-spread', entry: 'src/database/index.js', warnings: 1 },
  { slug: '09-mywonderbird-node-config-url-logger-info', entry: 'src/server/setup/sequelize.js', warnings: 0 },
  { slug: '10-bud-node-config-get-debug-logging', entry: 'src/server/services/db.js', warnings: 0 },
  {
    slug: '11-bitdo-uri-arrow-logger-tabs',
    entry: 'db/db.js',
    warnings: 0,
    notExercised: 'the stored config.js ends with process.exit(1), so the module never reaches new Sequelize',
  },
  { slug: '12-swapi-cached-factory', entry: 'src/lib/db.js', warnings: 1 },
  { slug: '13-mk-server-per-call-factory-cls', entry: 'src/orm.js', warnings: 0 },
  { slug: '14-wowanalyzer-mysql-config-function', entry: 'server/config/sequelize.js', warnings: 1 },
  { slug: '15-cp-mssql-v3-pool-keys', entry: 'src/database/connection.js', warnings: 0 },
  { slug: '16-new-terminal-mssql-literal', entry: 'config/database.js', warnings: 0 },
  { slug: '17-chat-counter-if-else-sqlite-fallback', entry: 'sequalize.js', skipped: [SQLITE], warnings: 0 },
  { slug: '18-nobebbs-if-else-url-or-env', entry: 'config/connection.js', warnings: 0 },
  { slug: '19-wouterds-ts-mariadb-env', entry: 'src/services/sequelize.ts', warnings: 0 },
  { slug: '20-media-server-mariadb-mutated-config-lowercase-db', entry: 'models/index.js', warnings: 1 },
  {
    slug: '21-cloudbread-cli-json-mssql-pool-dev-only',
    entry: 'CloudBread-Core/models/index.js',
    warnings: 0,
    // development (SQL Server) keeps its max 5, min 0 and idle; test and production (MySQL: 4 × 34 of 151) get a pool.
    cliConfig: { file: 'CloudBread-Core/config/sequelize.json', changes: { development: 2, test: 5, production: 5 } },
  },
  { slug: '22-lottocentral-pool-spread-mysql', entry: 'src/database/index.js', warnings: 1 },
  { slug: '23-hackatalk-ts-config-js-production-pool', entry: 'src/db/index.ts', warnings: 1 },
  { slug: '24-googleimage-ts-static-singleton-class', entry: 'src/Database/connect.ts', warnings: 0 },
  { slug: '25-profile-debug-logger-url-fallback', entry: 'server/db/conn.js', warnings: 0 },
  { slug: '26-vesteros-sequelize-typescript-options-const-tabs', entry: 'src/server/sequelize/index.ts', warnings: 0 },
  { slug: '27-nuxt-dumy-cli-index-configpath-pool200', entry: 'api/database/models/index.js', warnings: 1 },
  { slug: '28-ilm-post-sequelize-typescript-modelpaths', entry: 'src/db/sequelize.ts', warnings: 0 },
  { slug: '29-todo-assignment-ts-env-number-pool20', entry: 'src/utils/db.ts', warnings: 0 },
  {
    slug: '30-postit-cli-esm-babel-use-env-without-config',
    entry: 'server/models/index.js',
    warnings: 0,
    cliConfig: { file: 'server/config/config.json', changes: { development: 5, test: 5, production: 5 } },
  },
  {
    slug: '31-gestionstock-cli-mysql-classic',
    entry: 'server/models/index.js',
    warnings: 0,
    cliConfig: { file: 'server/config/config.json', changes: { development: 5, test: 5, production: 5 } },
  },
  { slug: '32-eigen-secret-ts-if-else-sqlite-pool100', entry: 'server/lib/db.ts', warnings: 0 },
  { slug: '33-outline-factory-readonly-replica-sequelize-typescript', entry: 'server/storage/database.ts', warnings: 2 },
  { slug: '34-opencollective-node-config-options-spread', entry: 'server/lib/sequelize.ts', warnings: 1 },
  { slug: '35-order-backend-per-tenant-cached-factory', entry: 'db.js', warnings: 0 },
  { slug: '35-order-backend-per-tenant-cached-factory', entry: 'models/index.js', warnings: 2 },
  { slug: '36-gladys-sqlite-config-per-env', entry: 'server/models/index.js', warnings: 1 },
  { slug: '37-juice-shop-ts-sqlite-retry', entry: 'models/index.ts', skipped: [SQLITE], warnings: 0 },
  { slug: '38-hedgedoc1-config-db-clone-debug-logging', entry: 'lib/models/index.js', warnings: 2 },
  { slug: '39-group-buying-per-request-factory-middleware', entry: 'model/connectToDatabase.js', warnings: 0 },
  { slug: '40-pt-snb-esm-lowercase-db-object', entry: 'backendjs/app/models/index.js', warnings: 1 },
  {
    slug: '41-lighthouse-ci-options-factory-three-dialects',
    entry: 'packages/server/src/api/storage/sql/sql.js',
    skipped: [SQLITE],
    warnings: 2,
    notExercised: 'the constructions run in SqlStorageMethod#initialize(options), an instance method called by the server',
  },
  { slug: '42-todo-backend-cli-configjs-production-pool-bypassed', entry: 'models/index.js', warnings: 1 },
  { slug: '43-crowd-dev-replication-conditional-max-node-config', entry: 'backend/src/database/models/index.ts', warnings: 1 },
];

/** What the run found, for the summary printed at the end (docs/codemod.md quotes it). */
const tally = { modules: 0, migrated: 0, skipped: 0, exercised: 0, environments: 0, loads: 0 };

afterAll(() => {
  console.info(
    `differential: ${tally.modules} modules (${tally.migrated} migrated, ${tally.skipped} skipped), ` +
      `${tally.exercised} reaching new Sequelize, ${tally.environments} module × environment loads compared`,
  );
});

/** Every run: the migrated module received what the original did, with the announcements applied. */
function expectOnlyAnnouncedDifferences(report: DifferentialReport, expect: ExpectStatic): void {
  for (const [index, run] of report.runs.entries()) {
    const migrated = report.migrated[index];
    const expected = report.expected[index];
    expect(
      { error: migrated?.error, args: migrated?.captures.map((capture) => capture.args) },
      `${run.name}: what new Sequelize received after migration`,
    ).toEqual({ error: expected?.error, args: expected?.captures.map((capture) => capture.args) });
  }
  expect(report.unmatched, 'captures matched to the file’s constructions').toBe(0);
  expect(report.second.changed, 'a second run changes nothing').toBe(false);
  expect(
    report.secondConfig.cliConfigs.flatMap((plan) => plan.changes),
    'the edited sequelize-cli config needs no further change',
  ).toEqual([]);
}

describe('the corpus: real setup modules', () => {
  it('holds every corpus folder, each with its provenance', () => {
    const folders = readdirSync(CORPUS).filter((name) => /^\d\d-/u.test(name));
    expect(folders.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map((entry) => entry.slug))).toEqual(new Set(folders));
    for (const folder of folders) {
      const provenance = readFileSync(path.join(CORPUS, folder, 'PROVENANCE.md'), 'utf8');
      expect(provenance, folder).toMatch(/\b[0-9a-f]{40}\b/u);
    }
  });

  // Each case waits on two child processes: run a few at once.
  describe.concurrent.each(CASES)('$slug ($entry)', (entry) => {
    // Two child processes per module, several environments each, on a shared machine: minutes, not seconds.
    it('loads the same in every environment except as announced; skips say why; a second run changes nothing', { timeout: 300_000 }, async ({ expect }) => {
      const report = await runDifferential({ directory: path.join(CORPUS, entry.slug), entry: entry.entry, options: OPTIONS });
      const { result } = report;
      tally.modules += 1;
      tally.environments += report.runs.length;
      const reasons = entry.skipped ?? [];
      expect(result.skipped).toHaveLength(reasons.length);
      for (const [index, reason] of reasons.entries()) expect(result.skipped[index]).toMatch(reason);
      expect(result.warnings.map((warning) => warning.message), 'warnings').toHaveLength(entry.warnings);
      const edited = result.cliConfigs.map((plan) => ({
        file: path.relative(report.root, plan.file),
        changes: plan.changes.reduce<Record<string, number>>((counts, change) => ({ ...counts, [change.path[0] ?? '']: (counts[change.path[0] ?? ''] ?? 0) + 1 }), {}),
      }));
      expect(edited, 'sequelize-cli config edits').toEqual(entry.cliConfig === undefined ? [] : [entry.cliConfig]);
      if (result.changed) tally.migrated += 1;
      else tally.skipped += 1;
      expectOnlyAnnouncedDifferences(report, expect);
      const reached = report.original.some((outcome) => outcome.captures.length > 0);
      if (reached) tally.exercised += 1;
      expect(reached, entry.notExercised ?? 'loading reaches new Sequelize').toBe(entry.notExercised === undefined);
      // A module whose pool is wholly in an edited sequelize-cli config announces its changes under that file.
      if (result.changed) expect(result.announcements.length + result.cliConfigs.flatMap((plan) => plan.announcements).length).toBeGreaterThan(0);
    });
  });
});

describe('derived sequelize-cli configs (the real 31-gestionstock app with its config.json changed as named)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'codemod-cli-variants-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const source = path.join(CORPUS, '31-gestionstock-cli-mysql-classic');
  const variants: {
    name: string;
    change: (config: Record<string, Record<string, unknown>>) => void;
    warnings: number;
    edited: Record<string, number>;
    /** The pool `new Sequelize` receives after migration with NODE_ENV=production. */
    production: Record<string, unknown>;
  }[] = [
    {
      name: 'production on PostgreSQL with the issue’s pool { max: 50 }, test on SQLite',
      change: (config) => {
        config['production'] = { ...config['production'], dialect: 'postgres', pool: { max: 50, min: 20, idle: 0 } };
        config['test'] = { dialect: 'sqlite', storage: ':memory:' };
      },
      warnings: 0,
      // production: max 50 → 12, min 20 → 12, acquire and evict added (idle 0 is kept, with a note)
      edited: { development: 5, production: 4 },
      production: { max: 12, min: 12, idle: 0, acquire: 30000, evict: 10000 },
    },
    {
      name: 'production through use_env_variable, development with a string max',
      change: (config) => {
        config['production'] = { use_env_variable: 'DATABASE_URL', dialect: 'mysql', pool: { max: 80 } };
        config['development'] = { ...config['development'], pool: { max: '10' } };
      },
      warnings: 2,
      edited: { test: 5 },
      // Left alone in the file; the module's withPoolSettings fills what it leaves unset, as announced.
      production: { max: 80, min: 2, idle: 10000, acquire: 30000, evict: 10000 },
    },
  ];
  it.concurrent.for(variants)('$name: loads the same except as announced', { timeout: 300_000 }, async (variant, { expect }) => {
    const directory = path.join(work, variant.name.replaceAll(/\W+/gu, '-'));
    cpSync(source, directory, { recursive: true });
    const file = path.join(directory, 'server', 'config', 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    variant.change(config);
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    const report = await runDifferential({ directory, entry: 'server/models/index.js', options: { processes: 7, maxConnections: 100 } });
    expect(report.result.warnings, 'warnings').toHaveLength(variant.warnings);
    const counts: Record<string, number> = {};
    for (const change of report.result.cliConfigs.flatMap((plan) => plan.changes)) counts[change.path[0] ?? ''] = (counts[change.path[0] ?? ''] ?? 0) + 1;
    expect(counts).toEqual(variant.edited);
    expectOnlyAnnouncedDifferences(report, expect);
    const production = report.runs.findIndex((run) => run.name === 'NODE_ENV=production');
    expect(report.migrated[production]?.captures[0]?.args.at(-1)).toMatchObject({ pool: variant.production });
  });
});

describe('the fixture pairs and the example app', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'codemod-fixture-pairs-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const pairs = readdirSync(FIXTURES)
    .filter((file) => file.includes('.input.') && readdirSync(FIXTURES).includes(file.replace('.input.', '.output.')))
    .sort();

  it.concurrent.for(pairs)('%s loads the same except as announced', { timeout: 300_000 }, async (file, { expect }) => {
    const name = file.split('.input.')[0] ?? file;
    const optionsFile = path.join(FIXTURES, `${name}.options.json`);
    const options = readdirSync(FIXTURES).includes(`${name}.options.json`)
      ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as PoolConfigOptions)
      : {};
    const directory = path.join(work, name);
    const entry = `setup${path.extname(file)}`;
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, entry), readFileSync(path.join(FIXTURES, file)));
    expectOnlyAnnouncedDifferences(await runDifferential({ directory, entry, options }), expect);
  });

  it('the incident example (examples/legacy-server) with its own config files and logger', { timeout: 300_000 }, async () => {
    const report = await runDifferential({ directory: EXAMPLE, entry: 'server/db/sequelize.js', options: { processes: 7, maxConnections: 100 } });
    expectOnlyAnnouncedDifferences(report, expect);
    // The over-budget max is the one value that changes besides the lifecycle keys left unset.
    expect(report.migrated[0]?.captures[0]?.args[3]).toMatchObject({ pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 }, logging: false });
  });
});
