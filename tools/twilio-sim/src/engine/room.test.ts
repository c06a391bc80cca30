import { spokenBefore } from '@synthcall/speech-timing';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.js';
import { heardWords, Room, type RoomMember } from './room.js';

function member(id: string, state: { muted?: boolean; hold?: boolean } = {}): RoomMember {
  return {
    id,
    silenced: () => state.muted === true || state.hold === true,
    deafened: () => state.hold === true,
  };
}

describe('heardWords', () => {
  it('hears the words spoken from the moment listening began', () => {
    const u = { speaker: member('a'), text: 'one two three four', voice: 'man', startMs: 0, endMs: 4_000 };
    expect(heardWords(u, 0)).toEqual(['one', 'two', 'three', 'four']);
    expect(heardWords(u, 1_500)).toEqual(['three', 'four']);
    expect(heardWords(u, 4_000)).toEqual([]);
  });
});

describe('Room', () => {
  async function say(clock: VirtualClock, room: Room, speaker: RoomMember, text: string, ms: number) {
    const u = { speaker, text, voice: 'man', startMs: clock.now(), endMs: clock.now() + ms };
    room.startUtterance(u);
    await clock.sleep(ms);
    room.endUtterance(u);
  }

  it('delivers what one member says to another member listening, after the speech timeout', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const room = new Room('r', clock);
    const [a, b] = [member('a'), member('b')];
    room.join(a);
    room.join(b);
    room.activate();
    const listener = room.listen(b, 5_000, 1_000);
    await say(clock, room, a, 'hello there', 2_000);
    expect(await listener.done).toBe('hello there');
    expect(clock.now()).toBe(3_000);
    clock.close();
  });

  it('ends a capture at maxSpeechTime with the words said so far, while the speaker still talks', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const room = new Room('r', clock);
    const [a, b] = [member('a'), member('b')];
    room.join(a);
    room.join(b);
    room.activate();
    const listener = room.listen(b, 5_000, 1_000, 2_000);
    const line = 'one two three four five six seven eight nine ten eleven twelve';
    const saying = say(clock, room, a, line, 6_000);
    const heard = await listener.done;
    expect(clock.now()).toBe(2_000);
    // The words the voice had begun in the first two seconds, each finished.
    const said = spokenBefore(line, 'man', 2).said;
    expect(said.split(' ').length).toBeGreaterThan(3);
    expect(said.length).toBeLessThan(line.length);
    expect(heard).toBe(said);
    await saying;
    clock.close();
  });

  it('keeps capturing when the speaker starts again within the speech timeout, after listening began mid-line', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const room = new Room('r', clock);
    const [a, b] = [member('a'), member('b')];
    room.join(a);
    room.join(b);
    room.activate();
    const first = say(clock, room, a, 'the end of a line', 1_000);
    await clock.sleep(900);
    const listener = room.listen(b, 5_000, 1_000);
    await first;
    await clock.sleep(500);
    await say(clock, room, a, 'the next line said in full', 3_000);
    expect(await listener.done).toBe('the next line said in full');
    clock.close();
  });

  it('joins utterances that follow within the speech timeout into one result', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const room = new Room('r', clock);
    const [a, b] = [member('a'), member('b')];
    room.join(a);
    room.join(b);
    room.activate();
    const listener = room.listen(b, 5_000, 2_000);
    await say(clock, room, a, 'first part', 1_000);
    await clock.sleep(500);
    await say(clock, room, a, 'second part', 1_000);
    expect(await listener.done).toBe('first part second part');
    clock.close();
  });

  it('gives no result when nobody speaks before the timeout, and nothing from a muted speaker', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const room = new Room('r', clock);
    const a = member('a', { muted: true });
    const b = member('b');
    room.join(a);
    room.join(b);
    room.activate();
    const listener = room.listen(b, 3_000, 1_000);
    await say(clock, room, a, 'you cannot hear me', 1_000);
    expect(await listener.done).toBeUndefined();
    expect(clock.now()).toBe(3_000);
    clock.close();
  });

  it('carries no audio before the room is active (a conference that has not started)', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const room = new Room('r', clock);
    const [a, b] = [member('a'), member('b')];
    room.join(a);
    room.join(b);
    const listener = room.listen(b, 10_000, 1_000);
    const speaking = say(clock, room, a, 'one two three four', 4_000);
    await clock.sleep(2_000);
    room.activate();
    await speaking;
    expect(await listener.done).toBe('three four');
    clock.close();
  });
});
