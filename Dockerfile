# Taskstream: one static binary (subcommands all, api, worker, migrate, token).
#   docker build -t taskstream .     or     docker compose up --build
# Pinned to the go directive of go.mod.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/taskstream ./cmd/taskstream

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/taskstream /taskstream
USER nonroot:nonroot
# Inside a container every interface is the container's own: listen on all of them, or a
# published port reaches nothing (outside one, the embedded default listens on loopback alone).
ENV HTTP_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/taskstream"]
CMD ["all"]
