# synthcall/apicurio-registry: the Apicurio Registry distribution tools/stack fetches from Maven Central, in-memory
# storage, with the same flags as the local stack. Port and address come from REGISTRY_HOST/REGISTRY_PORT.
ARG JAVA_IMAGE=synthcall/java:bookworm
FROM ${JAVA_IMAGE}
ARG APICURIO_VERSION
COPY apicurio-registry-${APICURIO_VERSION}/ /opt/apicurio/
COPY apicurio-flags.txt /opt/apicurio/
ENV REGISTRY_HOST=127.0.0.1 REGISTRY_PORT=8080 REGISTRY_MANAGEMENT_PORT=9000
WORKDIR /opt/apicurio
USER app
CMD ["/bin/bash", "-c", "exec java $(cat apicurio-flags.txt) -Dquarkus.http.host=$REGISTRY_HOST -Dquarkus.http.port=$REGISTRY_PORT -Dquarkus.management.host=$REGISTRY_HOST -Dquarkus.management.port=$REGISTRY_MANAGEMENT_PORT -jar quarkus-run.jar"]
