// Types for check-workflows.mjs, so TypeScript tests can import it.
export interface Problem {
  line?: number;
  col?: number;
  message: string;
}
export interface FileProblem extends Problem {
  path: string;
}
export function validateText(kind: 'workflow' | 'action', source: string): Problem[];
export function listFiles(dir?: string): string[];
export function kindOf(file: string): 'workflow' | 'action';
export function checkFiles(options?: { dir?: string; files?: string[] }): {
  checked: string[];
  problems: FileProblem[];
};
export function formatProblem(p: FileProblem): string;
