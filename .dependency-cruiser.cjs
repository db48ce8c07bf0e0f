/**
 * perfcycle's layers (issue 12): rules once in domain, data access in store, use cases in services, and handlers
 * that parse, call a service and answer. `npm test` runs this (test/infra/layers.test.ts).
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'functions/domain holds the rules: it imports nothing of ours outside itself.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { path: '^(functions/(?!domain/)|lib/|cli/|local/|console/)' },
    },
    {
      name: 'store-below-services',
      comment: 'functions/store reads and writes the table: it imports domain and shared only.',
      severity: 'error',
      from: { path: '^functions/store/' },
      to: { path: '^(functions/(?!(store|domain|shared)/)|lib/|cli/|local/)' },
    },
    {
      name: 'services-below-handlers',
      comment: 'Services never import the handlers that call them (forms, api, workflow, console).',
      severity: 'error',
      from: { path: '^functions/services/' },
      to: { path: '^functions/(forms|api|workflow|console|deploy)/' },
    },
    {
      name: 'handlers-through-services',
      comment: 'Handlers parse, call a service and answer: they never reach the store directly.',
      severity: 'error',
      from: { path: '^functions/(forms|api|workflow|console|deploy)/' },
      to: { path: '^functions/store/' },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves (the #domain/#store/... aliases included), so the rules above see every edge.',
      severity: 'error',
      from: {},
      // aws-lambda is types only (@types/aws-lambda).
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^functions/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
