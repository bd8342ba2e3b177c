import { editRecordText, type Deployment } from '../records/index.js';

type Files = Map<string, string>;

/** A deployment edit that keeps the file's layout and comments. */
export function editDeployment(
  files: Files,
  model: string,
  change: Partial<Deployment>,
): [string, string] {
  const path = `registry/models/${model}/deployment.yaml`;
  const text = files.get(path)!;
  const edits = Object.entries(change).map(([k, value]) => ({ path: [k], value }));
  return [path, editRecordText(text, edits)];
}
