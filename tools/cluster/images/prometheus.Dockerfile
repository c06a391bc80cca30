# synthcall/prometheus: Debian's prometheus package (the one .ci/run installs for the dashboard checks) on the
# debootstrap base of tools/containers. The local overlay runs it with its own config and data folder.
ARG BASE_IMAGE=synthcall/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus \
  && rm -rf /var/lib/apt/lists/* && prometheus --version
USER 1000:1000
ENTRYPOINT ["/usr/bin/prometheus"]
