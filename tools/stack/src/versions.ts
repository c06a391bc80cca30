/** Pinned versions of the local stack (maven/pom.xml holds the same values as defaults; these are passed to it). */
export const KAFKA_VERSION = '4.3.1';
export const LOG4J_VERSION = '2.25.3';
export const APICURIO_VERSION = '3.3.3';
/** Apicurio Registry 3.3 is compiled for Java 21 (class file 65); Kafka 4.x needs 17. */
export const APICURIO_MIN_JAVA = 21;
export const KAFKA_MIN_JAVA = 17;
