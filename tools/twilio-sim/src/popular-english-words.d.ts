declare module 'popular-english-words/words.js' {
  /** English words, lower case, most frequent first. */
  export const words: readonly string[];
}
