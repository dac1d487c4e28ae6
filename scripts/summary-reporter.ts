import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the closing line CI reads, alone on its line: `tests: N passed, N failed, N skipped`.
 * Vitest's own summary stays above it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      const tests = [...m.children.allTests()];
      // In a file that failed (a hook threw, e.g. a missing PostgreSQL), tests that did not run
      // failed with it: they are not skipped.
      const fileFailed = m.state() === 'failed';
      for (const t of tests) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || fileFailed) failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure all the same.
      if (fileFailed && tests.length === 0) failed++;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
