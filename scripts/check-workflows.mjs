#!/usr/bin/env node
// Checks every workflow (.github/workflows/*.yml) and action metadata file
// (actions/*/action.yml) against SchemaStore's schemas with @action-validator/core
// (WebAssembly, schemas compiled in: nothing is downloaded).
//
//   node scripts/check-workflows.mjs [--root DIR] [FILE...]
//
// Prints `path:line:col: message` per problem (`path: message` when it has no place) and
// exits 1 when there is any. Without FILEs it checks the repository's files, and finding
// none is a problem too, so a moved folder cannot make the check pass by checking nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

const require = createRequire(import.meta.url);
/** @type {typeof import('@action-validator/core')} */
const validator = require('@action-validator/core');

const root = fileURLToPath(new URL('..', import.meta.url));

// `runs.using` values GitHub accepts but the schema bundled in @action-validator/core 0.6.0
// (SchemaStore, December 2024) predates. Such a file is checked as if it said the value on
// the right, so every other part of it is still checked against the schema.
const NEWER_RUNTIMES = new Map([['node24', 'node20']]);

/**
 * @typedef {{ line?: number, col?: number, message: string }} Problem
 * @typedef {Problem & { path: string }} FileProblem
 */

/**
 * Validates the text of one workflow or action metadata file.
 * @param {'workflow' | 'action'} kind
 * @param {string} source
 * @returns {Problem[]}
 * @example validateText('workflow', 'on: push\njobs: {}\n') // [] or the schema's complaints
 */
export function validateText(kind, source) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  let checked = source;
  if (kind === 'action') {
    const using = doc.getIn(['runs', 'using'], true);
    const stand = isScalar(using) ? NEWER_RUNTIMES.get(String(using.value)) : undefined;
    if (stand && using.range) {
      // Same-length replacement inside the scalar's own range: positions stay valid.
      const [start, end] = using.range;
      const raw = checked.slice(start, end).replace(String(using.value), stand);
      checked = checked.slice(0, start) + raw + checked.slice(end);
    }
  }
  const state =
    kind === 'action' ? validator.validateAction(checked) : validator.validateWorkflow(checked);
  const problems = [];
  const seen = new Set();
  for (const error of flatten(state.errors)) {
    const problem = describe(error, doc, lineCounter);
    const key = `${problem.line}:${problem.col}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

// A failed `oneOf` carries one state per alternative; the alternative with the fewest errors
// is the one the author meant, so report that one's errors rather than every branch's.
function flatten(errors) {
  const out = [];
  for (const error of errors) {
    const states = error.states ?? [];
    if (states.length === 0) {
      out.push(error);
      continue;
    }
    const closest = [...states].sort((a, b) => a.errors.length - b.errors.length)[0];
    const inner = flatten(closest.errors);
    out.push(...(inner.length ? inner : [error]));
  }
  return out;
}

function describe(error, doc, lineCounter) {
  if (error.location) {
    const { line, column } = error.location;
    return { line, col: column, message: `${error.title}: ${error.detail ?? error.code}` };
  }
  const pointer = error.path ?? '';
  const { node, offset } = locate(doc, pointer, error.detail);
  let message = `${pointer || '/'}: ${error.detail ?? error.title}`;
  if ((error.code === 'enum' || error.code === 'const') && isScalar(node)) {
    message += ` (got ${JSON.stringify(node.value)})`;
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, col, message };
}

// Walks a JSON pointer through the YAML document to the deepest node that exists, keeping the
// offset of the last key or item on the way (a missing property is reported at its parent).
function locate(doc, pointer, detail) {
  let node = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === segment);
      if (!pair) break;
      offset = pair.key?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const extra = /Additional property '(.*)' is not allowed/.exec(detail ?? '');
  if (extra && isMap(node)) {
    const pair = node.items.find((p) => keyText(p.key) === extra[1]);
    offset = pair?.key?.range?.[0] ?? offset;
  }
  return { node, offset };
}

function keyText(key) {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * The files this check covers, repository-relative, sorted.
 * @param {string} dir repository root
 * @returns {string[]}
 */
export function listFiles(dir = root) {
  const files = [];
  const workflows = path.join(dir, '.github', 'workflows');
  if (existsSync(workflows)) {
    for (const name of readdirSync(workflows).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(`.github/workflows/${name}`);
    }
  }
  const actions = path.join(dir, 'actions');
  if (existsSync(actions)) {
    for (const d of readdirSync(actions, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      for (const name of ['action.yml', 'action.yaml']) {
        if (existsSync(path.join(actions, d.name, name))) files.push(`actions/${d.name}/${name}`);
      }
    }
  }
  return files.sort();
}

/** @param {string} file */
export function kindOf(file) {
  return /(^|[/\\])action\.ya?ml$/.test(file) ? 'action' : 'workflow';
}

/**
 * Checks files (repository-relative, or all of listFiles(dir) when none are given).
 * @param {{ dir?: string, files?: string[] }} [options]
 * @returns {{ checked: string[], problems: FileProblem[] }}
 */
export function checkFiles({ dir = root, files } = {}) {
  const checked = files?.length ? files : listFiles(dir);
  const problems = [];
  if (checked.length === 0) {
    problems.push({
      path: dir,
      message: 'no .github/workflows/*.yml or actions/*/action.yml files found',
    });
  }
  for (const file of checked) {
    let source;
    try {
      source = readFileSync(path.resolve(dir, file), 'utf8');
    } catch (err) {
      problems.push({ path: file, message: `cannot read: ${err.message}` });
      continue;
    }
    for (const p of validateText(kindOf(file), source)) problems.push({ path: file, ...p });
  }
  return { checked, problems };
}

/** @param {FileProblem} p */
export function formatProblem(p) {
  return p.line ? `${p.path}:${p.line}:${p.col ?? 1}: ${p.message}` : `${p.path}: ${p.message}`;
}

function main(argv) {
  let dir = root;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--root') {
      const value = argv[++i];
      if (!value) return usage('--root needs a directory');
      dir = path.resolve(value);
    } else if (arg.startsWith('-')) {
      return usage(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  const { checked, problems } = checkFiles({ dir, files });
  for (const p of problems) console.log(formatProblem(p));
  const noun = checked.length === 1 ? 'file' : 'files';
  if (problems.length) {
    console.log(`${problems.length} problem(s) in ${checked.length} ${noun}`);
    return 1;
  }
  console.log(`${checked.length} workflow and action ${noun} valid`);
  return 0;
}

function usage(message) {
  console.error(`check-workflows: ${message}\nusage: check-workflows.mjs [--root DIR] [FILE...]`);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
