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

type Document = ReturnType<WinkMethods['readDoc']>;

/** Documents kept for reuse: about one transcript's sentences (a document costs ~50 KB; 2,000 of them added 110 MB of RSS). */
const DOCUMENTS_KEPT = 100;
const documents = new Map<string, Document>();

/**
 * wink's document of `text`, shared by every analysis that reads the same text: PII, call reason and summary each
 * read every sentence of a transcript, and scripted calls repeat many lines. The analyses only read a document
 * (`out`, `filter`; nothing marks it up), so one reading serves them all with the same result.
 */
export function readDoc(text: string): Document {
  let doc = documents.get(text);
  if (doc === undefined) {
    doc = nlp().readDoc(text);
    documents.set(text, doc);
    if (documents.size > DOCUMENTS_KEPT) documents.delete(documents.keys().next().value as string);
  }
  return doc;
}
