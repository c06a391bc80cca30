export declare const NODE_MINIMUM: string;
export declare function nodeProblem(version: string, execPath?: string): string | undefined;
export declare function requireNode(): void;
