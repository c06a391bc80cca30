// The sim's only source of randomness, so one seed reproduces a whole run. One generator serves twilio-sim and the
// engine: @synthcall/random.
export { derivedRandom, type Random, seededRandom } from '@synthcall/random';
