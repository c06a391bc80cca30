# synthcall/kafka: a single-node KRaft broker from the jars tools/stack fetches from Maven Central, configured by the
# same serverProperties() as the local stack (containers.sh writes it into the context). The entrypoint sets the ports.
ARG JAVA_IMAGE=synthcall/java:bookworm
FROM ${JAVA_IMAGE}
ARG KAFKA_VERSION
COPY kafka-${KAFKA_VERSION}/libs/ /opt/kafka/libs/
COPY server.properties kafka-log4j2.properties kafka-entrypoint.sh /opt/kafka/
RUN install -d -o app -g app /var/lib/kafka
USER app
ENTRYPOINT ["/bin/bash", "/opt/kafka/kafka-entrypoint.sh"]
