#!/bin/bash
# Starts the broker on KAFKA_HOST:KAFKA_PORT (controller on KAFKA_CONTROLLER_PORT): the image's server.properties comes
# from tools/stack's serverProperties(); only the addresses are set here, as later lines of the same file.
set -euo pipefail
host=${KAFKA_HOST:-127.0.0.1}
port=${KAFKA_PORT:-9092}
controller=${KAFKA_CONTROLLER_PORT:-9093}
props=/var/lib/kafka/server.properties
cp /opt/kafka/server.properties "$props"
cat >>"$props" <<PROPS
controller.quorum.bootstrap.servers=$host:$controller
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST:-$host}:$port,CONTROLLER://$host:$controller
log.dirs=/var/lib/kafka/data
PROPS
cp="/opt/kafka/libs/*"
log4j="-Dlog4j2.configurationFile=/opt/kafka/kafka-log4j2.properties"
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  # A cluster id is 16 random bytes in unpadded base64url (what `StorageTool random-uuid` prints, without its JVM).
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  java $log4j -cp "$cp" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$props" --ignore-formatted
fi
exec java -Xms256m -Xmx${KAFKA_HEAP:-512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true $log4j \
  -cp "$cp" kafka.Kafka "$props"
