# synthcall/java: the debootstrap base plus a Java runtime that containers.sh links (jlink) from the host's JDK 21+.
ARG BASE_IMAGE=synthcall/debian:bookworm
FROM ${BASE_IMAGE}
COPY jre/ /opt/java/
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:$PATH
RUN groupadd --gid 1000 app && useradd --uid 1000 --gid app --create-home app && java -version
