import { describe, expect, it } from 'vitest';
import { StackError } from './errors.js';
import { findJava, parseJavaMajor } from './java.js';
import { serverProperties } from './kafka.js';

describe('java discovery', () => {
  it('reads the major version from both old and new `java -version` outputs', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "25" 2025-09-16')).toBe(25);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('nonsense')).toBeUndefined();
  });

  it('says what to install when no Java is new enough', () => {
    let err: unknown;
    try {
      findJava(999, ['/nonexistent-jdk']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StackError);
    expect((err as StackError).code).toBe('SYNTH_STACK_JAVA_MISSING');
    expect((err as StackError).message).toMatch(/no Java 999\+ found.*JAVA_HOME/s);
  });
});

describe('broker config', () => {
  it('binds every listener to loopback on the given ports and turns topic auto-creation off', () => {
    const props = serverProperties({ port: 19092, controllerPort: 19093, dataDir: '/tmp/x' });
    expect(props).toContain('listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props).toContain('controller.quorum.bootstrap.servers=127.0.0.1:19093');
    expect(props).toContain('auto.create.topics.enable=false');
    expect(props).not.toMatch(/0\.0\.0\.0/);
  });
});
