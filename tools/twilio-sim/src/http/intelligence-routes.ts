import type { VoiceIntelligence } from '../engine/voice-intelligence.js';
import type { Route } from './router.js';

export function intelligenceRoutes(_vi: VoiceIntelligence): Route[] {
  return [];
}
