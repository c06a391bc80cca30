# syntax=docker/dockerfile:1
# One image per service from one file:
#   docker build --build-arg SERVICE=twiml-gateway -t synthcall/twiml-gateway .
# SERVICE is one of orchestrator, twiml-gateway, conversation-engine, analytics-sink. The same file builds the two
# tools deploy/k8s runs, with APP_DIR naming their folder and the manifest giving their command:
#   docker build --build-arg SERVICE=cli --build-arg APP_DIR=cli -t synthcall/cli .
#   docker build --build-arg SERVICE=twilio-sim --build-arg APP_DIR=tools/twilio-sim -t synthcall/twilio-sim .
# The runtime file set (package.json + dist + assets of the service's workspace closure, production node_modules) is
# assembled by tools/deploy-check/src/image/assemble.ts; the image smoke test runs the same code and starts the result.
# NODE_IMAGE is any Node 24 image with npm (Docker Hub's by default, at the version tools/node.sh pins);
# tools/containers/containers.sh builds all six on synthcall/node, made locally from debootstrap and the npm
# registry, where no image registry is reachable.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund
# The build stage does not depend on SERVICE: it builds and assembles every image's file set once (into
# /out/<image>), so building the six images reuses this stage's layers and each build only copies its own set.
RUN npx tsx --conditions=@synthcall/source tools/deploy-check/src/cli.ts build all
RUN npx tsx --conditions=@synthcall/source tools/deploy-check/src/cli.ts assemble all /out

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG APP_DIR=services/${SERVICE}
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=<service> is required" >&2; exit 1)
ENV NODE_ENV=production
# Files stay owned by root and read-only to the service: the pod runs with readOnlyRootFilesystem as the node user.
COPY --from=build /out/${SERVICE}/ /app/
WORKDIR /app/${APP_DIR}
USER node
# Node is PID 1 on purpose: the shared shutdown manager handles SIGTERM/SIGINT (drain, flush, close) and the service
# spawns no children, so there are no zombies to reap and no need for tini or --init.
CMD ["node", "dist/main.js"]
