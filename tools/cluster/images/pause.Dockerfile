# synthcall/pause: every pod's sandbox, FROM scratch: one static Go program (cmd/pause) that holds the namespaces.
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
