// The dialogue's only source of randomness, injected so one seed reproduces a call line for line. One generator
// serves the engine and twilio-sim: @synthcall/random.
export { chance, intBetween, pick, type Random, seededRandom } from '@synthcall/random';
