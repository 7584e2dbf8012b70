// file-type and what it imports: content detection of case files (db/files/content-type.ts).
const FILE_TYPE = ['file-type', 'strtok3', 'token-types', '@tokenizer/inflate', 'uint8array-extras', '@borewit/text-codec'];
const ESM_ONLY = ['openid-client', 'oauth4webapi', 'jose', 'oidc-provider', ...FILE_TYPE];

/**
 * Unit tests: no PostgreSQL, no Temporal, seconds. Name new ones `*.unit.test.ts`; these older
 * ones predate the suffix. Everything else by its suffix: `*.time-skipping.test.ts`,
 * `*.e2e.test.ts` and `*.dev-server.test.ts` (real dev server), `*.browser.test.ts` (Chromium),
 * `*.schemathesis.test.ts` (fuzzing the whole stack); a plain `*.test.ts` is an integration test
 * (real PostgreSQL, often the dev server too), so a new test lands where the servers are.
 * workflow-boundary (eslint) and workflow-bundle (the bundler) need no server but take half a
 * minute each: integration, so that unit stays seconds.
 */
const UNIT_FILES = [
  'calendar-day-clock',
  'calendar',
  'codec-compression',
  'dispute-clocks',
  'documents-domain',
  'fees',
  'incident-clock',
  'message-rules',
  'notice-pdf',
  'notices',
  'openapi',
  'outcomes',
  'profile-rules-used',
  'rulesets',
  'working-day-clock',
];
const UNIT = [`/test/(${UNIT_FILES.join('|')})\\.test\\.ts$`, '\\.unit\\.test\\.ts$'];
const KINDS = {
  'time-skipping': ['\\.time-skipping\\.test\\.ts$'],
  e2e: ['\\.e2e\\.test\\.ts$', '\\.dev-server\\.test\\.ts$', '\\.schemathesis\\.test\\.ts$'],
  browser: ['\\.browser\\.test\\.ts$'],
};

/** @type {import('jest').Config} */
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // Packages published only as ES modules (single sign-on: openid-client and the test's oidc-provider), compiled to CommonJS for jest.
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  setupFiles: ['<rootDir>/test/support/quiet-runtime.ts'],
  testTimeout: 120_000,
};
/** Real PostgreSQL for the run (started only when a project that needs it has tests to run). */
const servers = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
/** A project running the files its patterns match (regexes over the path), none of `others`'. */
const project = (displayName, patterns, others, extra = {}) => ({
  ...common,
  displayName,
  testRegex: patterns,
  testPathIgnorePatterns: ['/node_modules/', ...others],
  ...extra,
});
const allKinds = Object.values(KINDS).flat();

/** @type {import('jest').Config} */
module.exports = {
  // `npm test` runs every project; `npm run test:unit` (and :integration, :time-skipping, :e2e, :browser) one.
  projects: [
    project('unit', UNIT, allKinds),
    project('integration', ['\\.test\\.ts$'], [...UNIT, ...allKinds], servers),
    ...Object.entries(KINDS).map(([name, patterns]) =>
      project(
        name,
        patterns,
        Object.values(KINDS)
          .filter((p) => p !== patterns)
          .flat(),
        servers,
      ),
    ),
  ],
  // Jest reads these two for the whole run, not per project.
  testTimeout: common.testTimeout,
  // Temporal servers and workers take real cores: two test files at a time on a 2-core machine.
  maxWorkers: 2,
};
