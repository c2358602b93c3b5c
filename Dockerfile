# The container image: the static musl binary on distroless static, which
# holds CA certificates, /etc/passwd and nothing else (no shell, no package
# manager). It runs as a numeric non-root user and writes nothing, so it
# works with a read-only root filesystem (deploy/cronjob.yaml).
#
#   docker build -t seaworthy .
#   docker run --rm -v "$PWD:/work:ro" -w /work seaworthy lint deploy/

# musl is the host target of this image, and Rust links musl binaries
# statically: the binary needs no libc at run time. musl-dev and gcc (in the
# image) build the C of mimalloc and ring.
FROM rust:1.94.1-alpine3.23 AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src/ src/
COPY policies/ policies/
# Cargo.toml names the benchmark's file.
COPY benches/ benches/
RUN cargo build --release --locked --bin seaworthy \
    && cp target/release/seaworthy /seaworthy

FROM gcr.io/distroless/static-debian13:nonroot
LABEL org.opencontainers.image.title="seaworthy" \
      org.opencontainers.image.description="Lints Kubernetes manifests and live clusters for production readiness" \
      org.opencontainers.image.source="https://github.com/seaworthy-dev/seaworthy" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /seaworthy /usr/local/bin/seaworthy
# The nonroot user of distroless, by number, so that Kubernetes can check
# runAsNonRoot without reading /etc/passwd.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/seaworthy"]
CMD ["--help"]
