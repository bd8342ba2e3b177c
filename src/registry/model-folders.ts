/**
 * The folders of one model's records: its registry folder, its cards and its runs (runs live
 * under their experiment, which is the model's name unless a run says otherwise).
 * @example
 * modelFolders('fraud') // ['registry/models/fraud/', 'model-cards/fraud/', 'registry/runs/fraud/']
 */
export function modelFolders(model: string): string[] {
  return [`registry/models/${model}/`, `model-cards/${model}/`, `registry/runs/${model}/`];
}

/**
 * The model whose folders hold `path`, read off the path in one step (so a commit's thousands
 * of files are sorted by model in one pass), or undefined for any other path.
 * @example
 * modelOfPath('model-cards/fraud/1.2.0.yaml') // 'fraud'
 */
export function modelOfPath(path: string): string | undefined {
  const p = path.split('/', 4);
  if (p[0] === 'model-cards' && p.length >= 3) return p[1];
  if (p[0] === 'registry' && (p[1] === 'models' || p[1] === 'runs') && p.length >= 4) return p[2];
  return undefined;
}
