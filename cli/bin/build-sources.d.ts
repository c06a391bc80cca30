/** Compiles the workspace under `root` into its packages' dist/ folders unless they hold its current sources; true when it built. */
export function ensureBuilt(root: string): Promise<boolean>;
