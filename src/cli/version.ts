/** The CLI's version: `mlops --version`, and the tag `mlops init` pins the workflows' actions to. */
export const VERSION = '0.1.0';
