/**
 * The text edits `mlops init` makes to the shipped files: only the lines that must change, so
 * that comments, ordering and formatting stay as shipped.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { ActionsSource } from './options.js';

/**
 * governance.yaml with `approval.approvers` replaced by `approvers` (the list's lines only).
 * @example
 * setPolicyApprovers(text, ['alice', 'acme/ml-team']);
 */
export function setPolicyApprovers(text: string, approvers: string[]): string {
  const doc = parseDocument(text);
  const node = doc.getIn(['approval', 'approvers'], true);
  if (!isSeq(node) || !node.range) {
    throw new Error('the shipped governance policy has no approval.approvers list');
  }
  const start = node.range[0];
  // the range of a block list runs to the next line: replace only its items
  const end = start + text.slice(start, node.range[1]).trimEnd().length;
  let list: string;
  if (node.flow) list = `[${approvers.join(', ')}]`;
  else {
    const indent = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
    list = approvers.map((a) => `- ${a}`).join(`\n${indent}`);
  }
  const out = text.slice(0, start) + list + text.slice(end);
  const check = parseDocument(out).getIn(['approval', 'approvers']) as { toJSON(): unknown };
  if (JSON.stringify(check?.toJSON()) !== JSON.stringify(approvers)) {
    throw new Error('could not set approval.approvers in the shipped governance policy');
  }
  return out;
}

/**
 * CODEOWNERS with the owners of every rule replaced by `@approver`s; comments and patterns stay.
 * @example
 * setCodeOwners('/policies/ @a\n', ['bob']); // '/policies/ @bob\n'
 */
export function setCodeOwners(text: string, approvers: string[]): string {
  const owners = approvers.map((a) => `@${a}`).join(' ');
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*)(\S+)(\s+)@\S+(?:\s+@\S+)*\s*$/.exec(line);
      return m && !line.trimStart().startsWith('#') ? `${m[1]}${m[2]}${m[3]}${owners}` : line;
    })
    .join('\n');
}

/**
 * The folder the shipped workflows check the pull request's base out into, to run the actions
 * from there (never from the pull request's own checkout) in the jobs that hold secrets.
 */
export const BASE_CHECKOUT = '.mlops-base';

/**
 * `uses: ./actions/<name>` or `uses: ./.mlops-base/actions/<name>` (quoted or not, a trailing
 * comment allowed).
 */
const LOCAL_ACTION =
  /^(\s*(?:-\s+)?uses:\s*)(['"]?)\.\/(?:\.mlops-base\/)?actions\/([A-Za-z0-9._-]+)\/?\2(\s+#.*)?$/;

/**
 * A workflow with each `uses: ./actions/<name>` and `uses: ./.mlops-base/actions/<name>`
 * pointed at `source`, and the names of the local actions it uses. For `vendor` the text stays
 * as it is: the vendored bundles live in the repository's actions/, and the jobs that hold
 * secrets run them from their checkout of the base. For a published source the steps that
 * check the base out are dropped with the local paths: the actions come from `source`.
 * Other `uses:` (a reusable workflow of the same repository, `./.github/workflows/train.yml`,
 * or a marketplace action) stay as they are.
 * @example
 * rewriteActions(text, { repo: 'acme/mlops', ref: 'v2' });
 * // uses: ./.mlops-base/actions/validate → uses: acme/mlops/actions/validate@v2
 */
export function rewriteActions(
  text: string,
  source: ActionsSource,
): { text: string; actions: string[] } {
  const actions = new Set<string>();
  const input = source === 'vendor' ? text : dropBaseCheckouts(text);
  const lines = input.split('\n').map((line) => {
    const m = LOCAL_ACTION.exec(line);
    if (!m) return line;
    const [, head, quote, name, comment] = m;
    actions.add(name!);
    if (source === 'vendor') return line;
    return `${head}${quote}${source.repo}/actions/${name}@${source.ref}${quote}${comment ?? ''}`;
  });
  const missed = lines.find((l) =>
    /^\s*(?:-\s+)?uses:\s*['"]?\.\/(\.mlops-base\/)?actions\//.test(l),
  );
  if (source !== 'vendor' && missed !== undefined) {
    throw new Error(`cannot rewrite this workflow line: ${missed.trim()}`);
  }
  return { text: lines.join('\n'), actions: [...actions].sort() };
}

/**
 * A workflow without the steps that prepare the base checkout: a checkout whose `path` is
 * BASE_CHECKOUT, and a `run:` that only clears that folder. Line edits, so everything else
 * stays as shipped.
 * @throws Error when a step to drop is the last of its job (the shipped workflows never do that).
 */
function dropBaseCheckouts(text: string): string {
  const doc = parseDocument(text);
  const jobs = doc.get('jobs', true);
  const cuts: [number, number][] = [];
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  if (!isMap(jobs)) return text;
  for (const pair of jobs.items) {
    const steps = isMap(pair.value) ? pair.value.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    steps.items.forEach((item, i) => {
      if (!isMap(item) || !isBaseStep(item.toJSON() as Record<string, unknown>)) return;
      const next = steps.items[i + 1] as { range?: [number, number, number] } | undefined;
      const at = (item as { range?: [number, number, number] }).range;
      if (!at || !next?.range) throw new Error('a base checkout step must not end its job');
      cuts.push([lineStart(at[0]), lineStart(next.range[0])]);
    });
  }
  let out = text;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + out.slice(end);
  }
  return out;
}

function isBaseStep(step: Record<string, unknown>): boolean {
  const w = step.with as Record<string, unknown> | undefined;
  const path = typeof w?.path === 'string' ? w.path.replace(/^\.\//, '').replace(/\/$/, '') : '';
  if (typeof step.uses === 'string' && step.uses.startsWith('actions/checkout@'))
    return path === BASE_CHECKOUT;
  return typeof step.run === 'string' && step.run.trim() === `rm -rf -- ${BASE_CHECKOUT}`;
}

/**
 * What the repository must ignore: the tool's cache, run folders, local remote and online
 * store, and the dashboard `mlops dashboard` writes by default (the Pages workflow publishes
 * it; it is never committed).
 */
export const IGNORED = ['.mlops/', '/site/'];
const IGNORE_COMMENT =
  "# gitops-mlops: the tool's cache, run folders, local remote and online store; the dashboard";

/** The lines of IGNORED a .gitignore does not ignore yet (`.mlops`, `/.mlops/` count too; `site/` for `/site/`). */
export function missingIgnores(text: string): string[] {
  const have = new Set(
    text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, '')),
  );
  return IGNORED.filter((l) => !have.has(l.replace(/^\//, '').replace(/\/$/, '')));
}

/** `text` (a .gitignore, or '' for a new one) with the `missing` lines appended under a comment. */
export function appendIgnores(text: string, missing: string[]): string {
  if (!missing.length) return text;
  const sep = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return `${text}${sep}${IGNORE_COMMENT}\n${missing.join('\n')}\n`;
}

/** data/remotes.yaml: the local remote as default, and an S3 / MinIO one to uncomment. */
export const REMOTES_YAML = `# yaml-language-server: $schema=../schemas/Remotes.schema.json
# Where \`mlops data push\` and \`mlops data pull\` keep the bytes of datasets.
#
# \`local\` is a folder of this checkout (.mlops/ is git-ignored): everything works offline, but
# no one else, CI included, sees the data. To share it, uncomment the \`s3\` remote below (AWS,
# or MinIO / any S3-compatible server with \`endpoint\` and \`path_style\`), fill in your bucket,
# and set \`default: s3\`. Credentials come only from the environment (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the AWS default chain), never from this file; give
# them to the workflows as secrets (validate.yml and drift.yml pass them on). This file says
# where those credentials are sent: a change to it is high risk and needs the approvers.
kind: Remotes
schema_version: 1
default: local
remotes:
  local:
    type: local
    path: .mlops/remote
  # s3:
  #   type: s3
  #   bucket: my-ml-datasets
  #   prefix: gitops-mlops
  #   region: us-east-1
  #   # MinIO or another S3-compatible server only:
  #   endpoint: https://minio.example.com:9000
  #   path_style: true
`;
