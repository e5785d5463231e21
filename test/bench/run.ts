// Benchmarks report figures, never assert timings. Each suite appends its table to RESULTS.md.
const suites: Array<{ name: string; run: () => Promise<string> }> = [];

if (suites.length === 0) {
  console.log('no benchmark suites yet');
}
for (const suite of suites) {
  console.log(`## ${suite.name}\n\n${await suite.run()}\n`);
}
