// Reads vitest's JSON report and prints the one closing line CI reads: "tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const [reportPath, exitCodeText = '0'] = process.argv.slice(2);
const vitestExitCode = Number(exitCodeText);
let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  console.error(`test summary: cannot read the vitest report ${reportPath}: ${error.message}`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
let failed = report.numFailedTests ?? 0;
// A test file that fails to load has no failing test of its own; still count it, so the line never says 0.
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed'),
);
failed += brokenFiles.length;
for (const file of brokenFiles) console.error(`test file failed to run: ${file.name}: ${file.message ?? ''}`);
if (vitestExitCode !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || vitestExitCode !== 0 ? 1 : 0);
