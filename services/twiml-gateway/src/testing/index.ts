// What tests of other packages need of the gateway: the lines it speaks when no reply came in time.
export { FALLBACK_WORDINGS } from '../domain/turns.js';
