import model from 'wink-eng-lite-web-model';
import winkNLP, { type WinkMethods } from 'wink-nlp';

let instance: WinkMethods | undefined;

/**
 * The shared wink-nlp pipeline. Loading the model takes ~100 ms and ~30 MB, so it is built once, on first use,
 * not at import time. wink-nlp is deterministic: the same text always gives the same tokens, tags and scores.
 */
export function nlp(): WinkMethods {
  instance ??= winkNLP(model);
  return instance;
}
