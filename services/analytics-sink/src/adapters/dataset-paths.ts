import { isAbsolute, relative, resolve, sep } from 'node:path';
import { callIdProblem } from '@synthcall/schemas';

/** A path the sink was asked to write is outside its dataset folder, or names a call with an invalid id. */
export class DatasetPathError extends Error {
  override readonly name = 'DatasetPathError';
  readonly code = 'SYNTH_DATASET_PATH_INVALID';
}

/**
 * The absolute path of `segments` under the dataset folder `root`, or a DatasetPathError when it would not be strictly
 * inside it (`..`, an absolute segment, a NUL byte). Every path the sink writes goes through here. Symbolic links are
 * not followed: the sink creates its folders itself, and whoever can plant a link there can write there anyway.
 */
export function insideDataset(root: string, ...segments: string[]): string {
  const base = resolve(root);
  if (segments.some((s) => s.includes('\0'))) {
    throw new DatasetPathError(`a dataset path may not contain a NUL byte: ${JSON.stringify(segments)}`);
  }
  const target = resolve(base, ...segments);
  const rel = relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new DatasetPathError(
      `${JSON.stringify(segments.join('/'))} is not inside the dataset folder ${base}`,
    );
  }
  return target;
}

/** `<root>/<folder>/<callId>.<ext>`, once callId is a valid id (schemas/src/ids.ts). */
export function callFilePath(root: string, folder: string, callId: string, ext: string): string {
  const problem = callIdProblem(callId);
  if (problem) throw new DatasetPathError(problem);
  return insideDataset(root, folder, `${callId}.${ext}`);
}
