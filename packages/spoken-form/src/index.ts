export { MONTHS } from './numbers.js';
export { spokenForm } from './spoken.js';
export { figureKey, type WrittenText, writtenForm } from './written.js';
